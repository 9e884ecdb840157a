// What is particular to Deno: permissions, buffer-only parameters, -0 and optional symbols.
import assert from 'node:assert/strict';
import { Action, arg, SeccompVersionError } from '@seccomp/core';
import {
  nativeOf,
  createSeccomp, SYMBOLS, versionAtLeast, type SeccompBackend, type SymbolName,
} from '@seccomp/core/internal';
import * as mod from '../src/index.ts';
import { denoBackend } from '../src/backend.ts';
import { declaration, normaliseNegativeZero } from '../src/ffi.ts';
import { runChild } from '@seccomp/core/testing';
import { fileURLToPath } from 'node:url';
import { withFlags } from './with-flags.ts';

Deno.test('importing the package needs no permission (nothing is opened until first use)', async () => {
  assert.deepEqual(await withFlags([], 'import'), { ok: true, value: 'function' });
});

Deno.test('without --allow-ffi: a SeccompUnavailableError that names the flag', async () => {
  const o = await withFlags(['--allow-read', '--allow-env'], 'version');
  assert.equal(o.ok, false);
  assert.equal(o.name, 'SeccompUnavailableError');
  assert.match(o.message!, /run again with --allow-ffi/);
  // It is a permission problem, not a missing library: no install advice.
  assert.doesNotMatch(o.message!, /apt-get/);
});

Deno.test('without --allow-ffi: the libc-only path (rawSyscall, loadBpf) names the flag too', async () => {
  const o = await withFlags(['--allow-read', '--allow-env'], 'rawSyscall');
  assert.equal(o.name, 'SeccompUnavailableError');
  assert.match(o.message!, /--allow-ffi/);
});

Deno.test('status() reads /proc through libc: --allow-ffi alone, where Deno 2.9’s own file API wants --allow-all', async () => {
  const o = await withFlags(['--allow-ffi'], 'status');
  assert.equal(o.ok, true, JSON.stringify(o));
  assert.ok((o.value as number) > 1, 'Deno runs V8 and tokio threads besides the main one');
  // Without FFI it cannot: the error names the flag, as for every other call.
  const none = await withFlags(['--allow-read', '--allow-env'], 'status');
  assert.equal(none.name, 'SeccompUnavailableError');
  assert.match(none.message!, /run again with --allow-ffi/);
});

Deno.test('Deno’s own file API refuses /proc without --allow-all, even with --allow-read (why status() uses libc)', () => {
  const fixture = new URL('./fixtures/proc-read.ts', import.meta.url).pathname;
  const { code, stderr } = new Deno.Command(Deno.execPath(), {
    args: ['run', '--no-prompt', '--allow-read', fixture],
    stdin: 'null', stdout: 'null', stderr: 'piped',
  }).outputSync();
  // Observed with Deno 2.9: "NotCapable: Requires all access to "/proc/self/status", run
  // again with the --allow-all flag". Should a later Deno grant it with --allow-read, the
  // libc path still works and needs less.
  if (code !== 0) assert.match(new TextDecoder().decode(stderr), /NotCapable.*--allow-all/);
});

Deno.test('without env permission SECCOMP_LIBRARY_PATH cannot be read: the error names the narrow flag', async () => {
  const o = await withFlags(['--allow-ffi'], 'version');
  assert.equal(o.name, 'SeccompUnavailableError');
  assert.match(o.message!, /--allow-env=SECCOMP_LIBRARY_PATH/);
  assert.deepEqual(await withFlags(['--allow-ffi', '--allow-env=SECCOMP_LIBRARY_PATH'], 'version'), { ok: true, value: mod.libraryVersion().text });
});

Deno.test('the libc-only path needs --allow-ffi alone (no env, no read)', async () => {
  assert.deepEqual(await withFlags(['--allow-ffi'], 'rawSyscall'), { ok: true, value: true });
});

Deno.test('the npm build (dist/index.js) works in Deno and exports exactly what the source does', async () => {
  const dist = new URL('../dist/index.js', import.meta.url);
  const built = await import(dist.href);
  assert.deepEqual(Object.keys(built).sort(), Object.keys(mod).sort());
  assert.deepEqual(await withFlags(['--allow-ffi', '--allow-env'], 'version', 'dist'), { ok: true, value: mod.libraryVersion().text });
});

/** A backend that records every native call, to see exactly what reaches Deno's FFI. */
function recordingBackend(calls: { name: SymbolName; args: unknown[] }[]): SeccompBackend {
  return {
    ...denoBackend,
    open(options) {
      const lib = denoBackend.open(options);
      const symbols = Object.fromEntries(
        Object.entries(lib.symbols).map(([name, fn]) => [name, (...args: unknown[]) => {
          calls.push({ name: name as SymbolName, args });
          return (fn as (...a: unknown[]) => unknown)(...args);
        }]),
      );
      return { ...lib, symbols: symbols as typeof lib.symbols };
    },
  };
}

Deno.test('Deno refuses JS strings for buffer parameters, which is why core passes encoded names', () => {
  const lib = Deno.dlopen('libseccomp.so.2', { seccomp_syscall_resolve_name: declaration('seccomp_syscall_resolve_name') } as any);
  try {
    const resolve = lib.symbols.seccomp_syscall_resolve_name as (name: unknown) => number;
    assert.throws(() => resolve('openat'), TypeError);
    assert.equal(resolve(new TextEncoder().encode('openat\0')), mod.syscallResolveName('openat'));
  } finally {
    lib.close();
  }
});

Deno.test('no string ever reaches a native call; names go in as cached NUL-terminated bytes', () => {
  const calls: { name: SymbolName; args: unknown[] }[] = [];
  const api = createSeccomp(recordingBackend(calls));
  for (let i = 0; i < 2; i++) {
    api.syscallResolveName('openat');
    api.syscallResolveName('openat', 'aarch64');
    using f = new api.SyscallFilter(Action.allow);
    f.addRule(Action.errno(1), 'mkdir', arg(1).eq(0o700)).addRule(Action.errno(2), 'getppid');
    f.exportPfc(); // memfd_create's name is a cstring too
    api.compile({ defaultAction: Action.allow, rules: [{ syscalls: ['getppid'], action: Action.errno(3) }] });
  }
  assert.ok(calls.length > 10);
  const seen = new Map<string, Uint8Array>();
  for (const { name, args } of calls) {
    SYMBOLS[name].params.forEach((kind, i) => {
      const v = args[i];
      assert.notEqual(typeof v, 'string', `${name} argument ${i}`);
      if (kind !== 'cstring') return;
      assert.ok(v instanceof Uint8Array && v.at(-1) === 0, `${name} argument ${i} is NUL-terminated bytes`);
      const text = new TextDecoder().decode(v.subarray(0, -1));
      if (seen.has(text)) assert.equal(seen.get(text), v, `"${text}" is encoded once and reused`);
      seen.set(text, v);
    });
  }
  assert.ok(seen.has('openat') && seen.has('seccomp-export'), [...seen.keys()].join(', '));
});

Deno.test('-0 is normalised for i32/u32 parameters (Deno rejects it as "not an integer")', () => {
  const lib = Deno.dlopen('libseccomp.so.2', { seccomp_syscall_resolve_num_arch: declaration('seccomp_syscall_resolve_num_arch') } as any);
  try {
    const raw = lib.symbols.seccomp_syscall_resolve_num_arch as (arch: number, nr: number) => unknown;
    assert.throws(() => raw(0, -0), TypeError, 'Deno itself refuses -0');
  } finally {
    lib.close();
  }
  assert.equal(mod.syscallResolveNum(-0), mod.syscallResolveNum(0));
  using f = new mod.SyscallFilter(Action.allow);
  f.addRule(Action.errno(1), -0);
  assert.match(f.exportPfc(), new RegExp(`syscall "${mod.syscallResolveNum(0)}"`));
  // Only -0 is mapped: other values keep Deno's own range and integer checks.
  const seen: unknown[][] = [];
  const fn = normaliseNegativeZero((...a) => seen.push(a), ['i32', 'i64', 'u32', 'buffer']);
  fn(-0, -0, -0, null);
  fn(-5, 1n, 7, null);
  assert.ok(Object.is(seen[0]![0], 0) && Object.is(seen[0]![1], -0) && Object.is(seen[0]![2], 0));
  assert.deepEqual(seen[1], [-5, 1n, 7, null]);
  assert.throws(() => mod.syscallResolveNum(1.5), RangeError);
});

Deno.test('optional (libseccomp 2.6) symbols: absent ones are left out and reported by capabilities()', () => {
  const caps = mod.capabilities();
  const has26 = versionAtLeast(mod.libraryVersion(), '2.6.0');
  assert.equal(caps.precompute, has26);
  assert.equal(caps.exportBpfMem, has26);
  assert.equal(caps.transactions, has26);
  for (const [name, bound] of Object.entries(caps.symbols)) {
    assert.equal(bound, has26, name);
    // Left out rather than null (Deno's value for a missing optional symbol), like the other backends.
    assert.equal(name in nativeOf(mod.seccomp).sym, has26, name);
  }
  if (!has26) {
    using f = new mod.SyscallFilter(Action.allow);
    assert.throws(() => f.precompute(), SeccompVersionError);
    // Exporting still works: through a memory file instead of seccomp_export_bpf_mem.
    assert.ok(f.exportBpf().length > 0);
  }
});

Deno.test('Action.trap with a SIGSYS listener: the process lives, and the trapped call returns what its return register held (x86_64: its number; aarch64: its first argument)', async () => {
  const command = {
    argv: [Deno.execPath(), 'run', '-A'],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../src/index.ts', import.meta.url).href,
  };
  const o = await runChild(command, 'action', { action: 'trap', handleSigsys: true });
  assert.equal(o.code, 0, o.stderr);
  assert.ok(o.reports.some((r) => r.sigsys), 'the listener ran');
  // The kernel skips the call and leaves the return register as it was, and Deno's handler
  // only queues the event, so getppid "returns" with errno 0 whatever that register held
  // instead of the parent's pid. On x86_64 (observed with Deno 2.9) that is rax, the syscall
  // number (110); on aarch64 it is x0, which still holds the first argument (rawSyscall passes 0).
  const r = o.result as { ret: number; errno: number };
  assert.notEqual(r.ret, Deno.pid, 'getppid did not run');
  const left: Record<string, number> = { x86_64: mod.syscallResolveName('getppid'), aarch64: 0 };
  assert.ok(mod.nativeArch() in left, `no expectation for ${mod.nativeArch()}`);
  assert.deepEqual(r, { ret: left[mod.nativeArch()], errno: 0 });
});
