// The host's file reads go through libc (so /proc needs only --allow-ffi): they must give
// what Deno's own file API gives (this runner has -A to compare).
import assert from 'node:assert/strict';
import { HostFileError } from '@seccomp/core';
import { denoBackend } from '../src/backend.ts';

const host = denoBackend.host;
const here = new URL('.', import.meta.url).pathname;

Deno.test('readTextFile: the same text as Deno.readTextFileSync, also past one 16 KiB read', () => {
  const big = new URL('../../core/src/syscalls/table.generated.ts', import.meta.url).pathname;
  for (const path of ['/proc/self/cmdline', big]) assert.equal(host.readTextFile(path), Deno.readTextFileSync(path), path);
  assert.ok(Deno.readTextFileSync(big).length > 16384);
});

Deno.test('readDir: the same names as Deno.readDirSync, without . and ..', () => {
  const names = (path: string) => Array.from(Deno.readDirSync(path), (e) => e.name).sort();
  assert.deepEqual(host.readDir(here).sort(), names(here));
  assert.ok(host.readDir('/proc/self/task').includes(String(Deno.pid)));
});

Deno.test('readLink: the same target as Deno.readLinkSync', () => {
  assert.equal(host.readLink('/proc/self/exe'), Deno.readLinkSync('/proc/self/exe'));
});

Deno.test('failures are HostFileErrors with errno, code, syscall and path', () => {
  const fails = (fn: () => unknown, syscall: string, code: string) =>
    assert.throws(fn, (err: unknown) => {
      assert.ok(err instanceof HostFileError, String(err));
      assert.deepEqual([err.syscall, err.code, err.path.length > 0], [syscall, code, true]);
      return true;
    });
  fails(() => host.readTextFile('/nonexistent/status'), 'openat', 'ENOENT');
  fails(() => host.readDir('/proc/self/status'), 'getdents64', 'ENOTDIR');
  fails(() => host.readLink('/proc/self/status'), 'readlinkat', 'EINVAL');
});
