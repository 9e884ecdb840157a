// What bun:ffi and Bun do differently from Node, each pinned by a test. Nothing here loads
// a filter into the test runner: the trap tests run in child processes.
import { expect, test } from 'bun:test';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dlopen, FFIType, ptr } from 'bun:ffi';
import {
  nativeOf,
  DEFAULT_LIBRARY, OPTIONAL_SYMBOLS, SYMBOL_NAMES, SYMBOLS, libraryLoadError, versionAtLeast,
} from '@seccomp/core/internal';
import { runChild, type ChildCommand } from '@seccomp/core/testing';
import { capabilities, libraryVersion, rawSyscall, seccomp } from '../src/index.js';
import { bunBackend } from '../src/backend.js';

const TIMEOUT_MS = 60_000;
const ENOSYS = 38;
const EBADF = 9;

const child: ChildCommand = {
  argv: [process.execPath],
  entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
  packageUrl: new URL('../dist/index.js', import.meta.url).href,
};

const has26 = () => versionAtLeast(libraryVersion(), '2.6.0');
/** The library the package under test opened (libraryVersion() is its version), not the system's by name. */
const LIBRARY = process.env.SECCOMP_LIBRARY_PATH || DEFAULT_LIBRARY;

test('dlopen fails as a whole on one missing symbol, so optional symbols are opened one by one', () => {
  const declare = { args: [FFIType.ptr], returns: FFIType.i32 } as const;
  const both = () => dlopen(LIBRARY, { seccomp_load: declare, seccomp_precompute: declare });
  // seccomp_load alone binds; with a 2.6-only neighbour the whole dlopen throws on 2.5.
  expect(typeof dlopen(LIBRARY, { seccomp_load: declare }).symbols.seccomp_load).toBe('function');
  if (has26()) expect(both).not.toThrow();
  else expect(both).toThrow(/seccomp_precompute/);

  const caps = capabilities();
  expect(caps.precompute).toBe(has26());
  expect(caps.exportBpfMem).toBe(has26());
  expect(caps.transactions).toBe(has26());
  // Every required symbol is bound even when the optional ones are not.
  const symbols = nativeOf(seccomp).sym as unknown as Record<string, unknown>;
  for (const name of SYMBOL_NAMES.filter((n) => !OPTIONAL_SYMBOLS.includes(n))) expect(typeof symbols[name]).toBe('function');
  for (const name of OPTIONAL_SYMBOLS) expect(typeof symbols[name]).toBe(has26() ? 'function' : 'undefined');
});

test('open({ seccomp: false }) binds libc only', () => {
  const lib = bunBackend.open({ seccomp: false });
  expect(lib.path).toBe('libc.so.6');
  const bound = Object.keys(lib.symbols).sort();
  expect(bound).toEqual(SYMBOL_NAMES.filter((n) => SYMBOLS[n].lib === 'c').sort());
});

test('a library that will not open gives core’s error text, naming bun', () => {
  const saved = process.env.SECCOMP_LIBRARY_PATH;
  process.env.SECCOMP_LIBRARY_PATH = '/nonexistent/libseccomp.so.2';
  try {
    let thrown: Error | undefined;
    try {
      bunBackend.open();
    } catch (err) {
      thrown = err as Error;
    }
    expect(thrown?.name).toBe('SeccompUnavailableError');
    const reason = thrown!.message.match(/Tried: (.*)\. Install/)![1]!;
    expect(thrown!.message).toBe(libraryLoadError('bun', [reason]).message);
    expect(reason).toStartWith('/nonexistent/libseccomp.so.2: ');
  } finally {
    if (saved === undefined) delete process.env.SECCOMP_LIBRARY_PATH;
    else process.env.SECCOMP_LIBRARY_PATH = saved;
  }
});

test('results need no allocation: syscall is an int, syscall_long an i64_fast number', () => {
  const lib = bunBackend.open({ seccomp: false });
  const getpid = seccomp.syscallResolveName('getpid');
  const close = seccomp.syscallResolveName('close');
  expect(lib.symbols.syscall(getpid, 0, 0, 0, 0, 0, 0)).toBe(process.pid);
  expect(lib.symbols.syscall_long(getpid, 0, 0, 0, 0, 0, 0)).toBe(process.pid);
  // A failure is the number -1, not -1n: nothing is boxed before errno is read.
  expect(lib.symbols.syscall_long(close, -1, 0, 0, 0, 0, 0)).toBe(-1);
  expect(rawSyscall('getpid')).toEqual({ ret: process.pid, errno: 0 });
  expect(rawSyscall('close', -1)).toEqual({ ret: -1, errno: EBADF });
});

test('errnoWord is this thread’s errno itself, read in place', () => {
  const lib = bunBackend.open({ seccomp: false });
  const close = seccomp.syscallResolveName('close');
  expect(lib.symbols.syscall(close, -1, 0, 0, 0, 0, 0)).toBe(-1);
  expect(lib.errnoWord![0]).toBe(EBADF);
  expect(lib.errno()).toBe(EBADF);
});

test('rawSyscall keeps all 64 bits of an address (mmap goes through syscall_long)', () => {
  const PROT_READ = 1;
  const MAP_PRIVATE_ANONYMOUS = 0x22;
  const r = rawSyscall('mmap', 0, 4096, PROT_READ, MAP_PRIVATE_ANONYMOUS, -1, 0);
  expect(r.errno).toBe(0);
  expect(r.ret).toBeGreaterThan(2 ** 32);
  expect(rawSyscall('munmap', r.ret, 4096)).toEqual({ ret: 0, errno: 0 });
});

test('pointers are numbers; an address stays valid after the view is sliced', () => {
  const lib = bunBackend.open({ seccomp: false });
  expect(typeof nativeOf(seccomp).sym.seccomp_version()).toBe('number');
  // JavaScriptCore moves a small typed array's bytes out of the heap cell the first time its
  // ArrayBuffer is needed; addressOf() forces that move before it reads the address.
  const small = new Uint8Array(16);
  const address = lib.addressOf(small);
  small.subarray(8);
  expect(BigInt(ptr(small))).toBe(address);
  // An empty view has no address (bun:ffi's ptr() returns an Error object for it).
  expect(lib.addressOf(new Uint8Array(0))).toBe(0n);
  // Writes land in the memory the pointer names; reads are copies.
  lib.writeMemory(lib.pointerFrom(address), 2, new Uint8Array([7, 8]));
  expect([...small.subarray(0, 5)]).toEqual([0, 0, 7, 8, 0]);
  const copy = lib.readMemory(lib.pointerFrom(address), 2, 2);
  small[2] = 9;
  expect([...copy]).toEqual([7, 8]);
  expect(lib.isNull(lib.pointerFrom(0n))).toBe(true);
});

test('Action.trap: Bun’s own SIGSYS handler turns the trapped call into ENOSYS', async () => {
  const o = await runChild(child, 'action', { action: 'trap' });
  expect(o.signal).toBeNull();
  expect(o.code).toBe(0);
  // getppid did not run (it would have returned this runner's pid), and the process lived on.
  expect(o.result).toEqual({ ret: -1, errno: ENOSYS });
}, TIMEOUT_MS);

test('Action.trap: a JavaScript SIGSYS listener is not called for a seccomp trap', async () => {
  const o = await runChild(child, 'action', { action: 'trap', handleSigsys: true });
  expect(o.result).toEqual({ ret: -1, errno: ENOSYS });
  expect(o.reports.some((r) => r.sigsys)).toBe(false);
}, TIMEOUT_MS);

test('a SIGSYS that is not from seccomp still ends a Bun process', () => {
  const r = spawnSync(process.execPath, ['-e', 'process.kill(process.pid, "SIGSYS"); setTimeout(() => {}, 2000)'], { timeout: TIMEOUT_MS });
  expect(r.signal).toBe('SIGSYS');
}, TIMEOUT_MS);
