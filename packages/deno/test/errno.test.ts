// How errno is read on Deno: in place, through a view made when the library was opened,
// right after a call whose result allocates nothing. (The race itself is the conformance
// suite's "errno under stress" test, in a child.)
import assert from 'node:assert/strict';
import { denoBackend } from '../src/backend.ts';
import { rawSyscall, syscallResolveName } from '../src/index.ts';

const EBADF = 9;

Deno.test('Deno boxes every 64-bit result as a BigInt, even -1: why syscall is bound with an int result', () => {
  const lib = denoBackend.open({ seccomp: false });
  const close = syscallResolveName('close');
  assert.equal(typeof lib.symbols.syscall_long(close, -1, 0, 0, 0, 0, 0), 'bigint');
  assert.equal(lib.symbols.syscall(close, -1, 0, 0, 0, 0, 0), -1);
});

Deno.test('errnoWord is this thread’s errno itself, read in place', () => {
  const lib = denoBackend.open({ seccomp: false });
  const close = syscallResolveName('close');
  lib.symbols.syscall(close, -1, 0, 0, 0, 0, 0);
  assert.equal(lib.errnoWord![0], EBADF);
  assert.equal(lib.errno(), EBADF);
  assert.deepEqual(rawSyscall('close', -1), { ret: -1, errno: EBADF });
});

Deno.test('rawSyscall keeps all 64 bits of an address (mmap goes through syscall_long)', () => {
  const PROT_READ = 1;
  const MAP_PRIVATE_ANONYMOUS = 0x22;
  const r = rawSyscall('mmap', 0, 4096, PROT_READ, MAP_PRIVATE_ANONYMOUS, -1, 0);
  assert.equal(r.errno, 0);
  assert.ok(r.ret > 2 ** 32, String(r.ret));
  assert.deepEqual(rawSyscall('munmap', r.ret, 4096), { ret: 0, errno: 0 });
});

Deno.test('a worker (another thread) reads its own errno word, not the main thread’s', async () => {
  const lib = denoBackend.open({ seccomp: false });
  const mine = String((globalThis as any).Deno.UnsafePointer.value(lib.symbols.__errno_location()));
  const worker = new (globalThis as any).Worker(new URL('./fixtures/errno-worker.ts', import.meta.url).href, { type: 'module' });
  try {
    const reply = await new Promise<any>((resolve, reject) => {
      worker.onmessage = (e: { data: unknown }) => resolve(e.data);
      worker.onerror = (e: { message: string }) => reject(new Error(e.message));
    });
    assert.notEqual(reply.address, mine, 'errno lives at a per-thread address');
    assert.deepEqual(reply.closed, { ret: -1, errno: EBADF });
    assert.equal(reply.word, EBADF);
  } finally {
    worker.terminate();
  }
});
