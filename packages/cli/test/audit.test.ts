// audit: findings from the compiled filter's verdicts, with the file's own rule numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FIXTURES, json, scratch, seccomp } from './helpers.js';

const s = scratch();

function findings(path: string): { code: number | null; byId: Map<string, { severity: string; message: string }[]>; all: any[] } {
  const r = seccomp(['audit', path, '--json']);
  const j = json(r);
  const byId = new Map<string, any[]>();
  for (const f of j.findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  return { code: r.code, byId, all: j.findings };
}

test('a deny-list: permissive default, exec and io_uring allowed; other ABIs handled by the bad-arch kill', () => {
  const { code, byId } = findings(`${FIXTURES}read-only.json`);
  assert.equal(code, 1);
  assert.equal(byId.get('permissive-default')![0]!.severity, 'warning');
  assert.match(byId.get('exec-allowed')![0]!.message, /^execve and execveat are allowed/);
  assert.equal(byId.get('io-uring-allowed')![0]!.severity, 'high');
  assert.match(byId.get('entry-point-x86')![0]!.message, /handled — not among the filter's arches, so every call through it gets the bad-arch action \(killProcess\)/);
  assert.equal(byId.get('entry-point-x32')![0]!.severity, 'info');
});

test('other ABIs left open by a bad-arch action that allows; covered by a deny-list', () => {
  const open = s.file('open.json', {
    defaultAction: 'errno(EPERM)',
    attributes: { badArchAction: 'allow' },
    rules: [{ syscalls: ['read', 'write', 'exit_group'], action: 'allow' }],
  });
  const a = findings(open);
  assert.equal(a.code, 1);
  const x86 = a.byId.get('entry-point-x86')![0]!;
  assert.equal(x86.severity, 'high');
  assert.match(x86.message, /syscalls stopped on x86_64 run through it \(it is not among the filter's arches and the bad-arch action is allow\): .*execve/);
  assert.ok((x86 as { syscalls?: string[] }).syscalls!.includes('socket (through socketcall)'));
  assert.equal(a.byId.get('entry-point-x32')![0]!.severity, 'high');
  // x86 covered by a deny-list: libseccomp denies socket through socketcall(2) as well.
  const covered = s.file('covered.json', {
    defaultAction: 'allow',
    arches: ['x86_64', 'x86'],
    rules: [{ syscalls: ['ptrace', 'socket'], action: 'errno(EPERM)' }],
  });
  const d = findings(covered);
  assert.match(d.byId.get('entry-point-x86')![0]!.message, /handled — covered by the filter, nothing stopped on x86_64 runs through it/);
});

test('shadowed conditional rules and unknown names, with the file\'s rule numbers', () => {
  const p = s.file('shadow.json', {
    defaultAction: 'errno(EPERM)',
    rules: [
      { syscalls: ['opnat', 'read'], action: 'allow' },
      { syscalls: ['frobnicate'], action: 'allow' },
      { syscalls: ['socket'], action: 'allow' },
      { syscalls: ['socket'], action: 'errno(EACCES)', conditions: [{ arg: 0, op: 'eq', value: '0x11', width: 32 }] },
    ],
  });
  const { code, byId } = findings(p);
  assert.equal(code, 1);
  const unknown = byId.get('unknown-syscall')!.map((f) => f.message);
  assert.deepEqual(unknown, [
    'rules[0].syscalls[0]: unknown syscall "opnat" (did you mean "openat"?)',
    'rules[1].syscalls[0]: unknown syscall "frobnicate"',
  ]);
  const [shadow] = byId.get('shadowed-rule')!;
  assert.match(shadow!.message, /"socket": rules\[2\] \(allow, no conditions\) swallows the conditional rules\[3\] \(errno\(EACCES\)\)/);
});

test('Docker\'s default profile: exec allowed, io_uring not, x86 and x32 covered', () => {
  // @seccomp/core ships Docker's profile as data; the audit reads it like any OCI file.
  const docker = fileURLToPath(new URL('../../core/data/docker-default.json', import.meta.url));
  const { code, byId } = findings(docker);
  assert.equal(code, 1);
  assert.equal(byId.get('exec-allowed')![0]!.severity, 'warning');
  assert.equal(byId.get('io-uring-allowed'), undefined);
  assert.equal(byId.get('permissive-default'), undefined);
  assert.match(byId.get('entry-point-x86')![0]!.message, /handled — covered by the filter/);
  assert.match(byId.get('entry-point-x32')![0]!.message, /handled — covered by the filter/);
});

test('a tight allow-list has no warnings: exit 0', () => {
  const p = s.file('tight.json', { defaultAction: 'errno(EPERM)', rules: [{ syscalls: ['read', 'write', 'exit_group', 'futex'], action: 'allow' }] });
  const r = seccomp(['audit', p]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /^.*tight\.json: SDK profile, default errno\(EPERM\), 1 rule, arches x86_64\n/);
  assert.match(r.stdout, /2 findings: 0 high, 0 warning, 2 info\n$/);
});

test('an OCI profile: resolve warnings become findings', () => {
  const { byId } = findings(`${FIXTURES}oci-small.json`);
  assert.match(byId.get('unknown-syscall')![0]!.message, /syscalls\[1\]\.names\[0\]: unknown syscall "not_a_real_syscall"/);
  assert.equal(byId.get('unknown-syscall')![0]!.severity, 'warning');
});
