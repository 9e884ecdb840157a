import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARCHES, ARCH_NAMES, archInfo, archesByAudit, check, findArch, nativeArch, SeccompError, SeccompVersionError, libraryCandidates,
  libraryLoadError, SYMBOL_NAMES, SYMBOLS, OPTIONAL_SYMBOLS,
} from '../src/internal.js';

test('23 arches with audit arch, word size and byte order', () => {
  assert.equal(ARCH_NAMES.length, 23);
  assert.equal(ARCHES.x86_64.auditArch, 0xc000003e);
  assert.equal(ARCHES.x32.auditArch, 0xc000003e, 'x32 syscalls arrive as x86_64 with bit 30 set');
  assert.equal(ARCHES.x32.token, 0x4000003e);
  assert.equal(ARCHES.aarch64.auditArch, 0xc00000b7);
  assert.equal(ARCHES.s390x.endian, 'big');
  assert.equal(ARCHES.mipsel64n32.bits, 32);
  assert.equal(ARCHES.x86.socketcall, 102);
  assert.equal(archInfo('SCMP_ARCH_AARCH64').name, 'aarch64');
  assert.equal(findArch(0x40000003)?.name, 'x86');
  assert.deepEqual(archesByAudit(0xc000003e).map((a) => a.name), ['x86_64', 'x32']);
  assert.throws(() => archInfo('amd64'), /Unknown architecture "amd64"/);
});

test('nativeArch maps runtime names and refuses the rest', () => {
  assert.equal(nativeArch('x64'), 'x86_64');
  assert.equal(nativeArch('arm64'), 'aarch64');
  assert.throws(() => nativeArch('constructor'), RangeError);
  assert.throws(() => nativeArch('sparc'), /Cannot tell the native architecture/);
});

test('check(): the one funnel from return codes to SeccompError', () => {
  assert.equal(check(5, 'op'), 5);
  const e = (() => { try { check(-22, 'seccomp_rule_add'); } catch (err) { return err; } })() as SeccompError;
  assert.ok(e instanceof SeccompError);
  assert.deepEqual([e.errno, e.code, e.op], [22, 'EINVAL', 'seccomp_rule_add']);
  assert.match(e.message, /^seccomp_rule_add failed: EINVAL \(/);
  assert.throws(() => check(-1, 'prctl', { errno: 13 }), /prctl failed: EACCES/);
  assert.throws(() => check(-13, 'x', { hints: { EACCES: 'same as default' } }), /EACCES \(same as default\)/);
  const v = new SeccompVersionError('seccomp_precompute', '2.6.0', '2.5.4');
  assert.match(v.message, /needs libseccomp >= 2.6.0, this process has 2.5.4/);
});

test('library lookup: SECCOMP_LIBRARY_PATH alone when set; the error says how to install', () => {
  assert.deepEqual(libraryCandidates(undefined), ['libseccomp.so.2']);
  assert.deepEqual(libraryCandidates('/opt/lib/libseccomp.so.2'), ['/opt/lib/libseccomp.so.2']);
  const err = libraryLoadError('node', ['libseccomp.so.2: not found']);
  assert.match(err.message, /apt-get install libseccomp2/);
  assert.match(err.message, /SECCOMP_LIBRARY_PATH/);
});

test('the canonical symbol table: libseccomp API + libc, optional 2.6-only entries', () => {
  for (const name of ['seccomp_init', 'seccomp_rule_add_array', 'seccomp_export_bpf', 'seccomp_notify_receive', 'prctl', 'syscall', 'free', '__errno_location']) {
    assert.ok(SYMBOL_NAMES.includes(name as never), name);
  }
  assert.ok(!SYMBOL_NAMES.includes('seccomp_rule_add' as never), 'no variadic function is bound');
  assert.deepEqual([...OPTIONAL_SYMBOLS].sort(), ['seccomp_export_bpf_mem', 'seccomp_precompute', 'seccomp_transaction_commit', 'seccomp_transaction_reject', 'seccomp_transaction_start']);
  for (const n of OPTIONAL_SYMBOLS) assert.equal((SYMBOLS[n] as { since?: string }).since, '2.6.0');
});
