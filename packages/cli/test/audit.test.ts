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

test('Docker\'s default profile: exec allowed, io_uring not; socket(AF_ALG, AF_VSOCK) runs on x86 through socketcall; x32 covered', () => {
  // @seccomp/core ships Docker's profile as data; the audit reads it like any OCI file.
  const docker = fileURLToPath(new URL('../../core/data/docker-default.json', import.meta.url));
  const { code, byId } = findings(docker);
  assert.equal(code, 1);
  assert.equal(byId.get('exec-allowed')![0]!.severity, 'warning');
  assert.equal(byId.get('io-uring-allowed'), undefined);
  assert.equal(byId.get('permissive-default'), undefined);
  // Docker allows socket() except AF_ALG (38) and AF_VSOCK (40), and socketcall(2) on x86
  // unconditionally: the filter cannot read socketcall's arguments, so both run through it.
  const x86 = byId.get('entry-point-x86')![0]! as any;
  assert.equal(x86.severity, 'high');
  assert.equal(x86.code, 'entry-point-x86');
  assert.equal(x86.arch, 'x86');
  assert.deepEqual(x86.bypasses, [{ syscall: 'socket', via: 'socketcall', args: [['0x26', '0x0', '0x0', '0x0', '0x0', '0x0'], ['0x28', '0x0', '0x0', '0x0', '0x0', '0x0']] }]);
  assert.match(x86.message, /1 syscall stopped on x86_64 runs through it \(its rules differ\): socket \(arg0 = 0x26 or arg0 = 0x28\) \(through socketcall\)/);
  assert.doesNotMatch(x86.message, /nothing stopped/);
  // x32 has no socketcall, and its direct socket() carries the same conditions.
  assert.match(byId.get('entry-point-x32')![0]!.message, /handled — covered by the filter/);
});

test('a syscall whose rules look at its arguments is compared with those arguments on each ABI', () => {
  // clone is allowed on x86_64 unless it asks for a new user namespace; x86 calls get the
  // bad-arch action, allow: clone(CLONE_NEWUSER) is stopped on one and runs on the other.
  const p = s.file('args.json', {
    defaultAction: 'errno(EPERM)',
    attributes: { badArchAction: 'allow' },
    rules: [{ syscalls: ['clone'], action: 'allow', conditions: [{ arg: 0, op: 'maskedEq', mask: '0x10000000', value: '0x0' }] }],
  });
  const { byId } = findings(p);
  const x86 = byId.get('entry-point-x86')![0]! as any;
  const clone = x86.bypasses.find((b: { syscall: string }) => b.syscall === 'clone');
  assert.ok(clone, 'clone is listed although clone() with zero arguments runs on x86_64');
  assert.ok(clone.args.every((a: string[]) => (BigInt(a[0]!) & 0x10000000n) !== 0n), 'only calls with the flag are listed');
  assert.ok(x86.syscalls.some((n: string) => /^clone \(arg0 = 0x10000000/.test(n)), x86.syscalls.join('; '));
});

test('chrome.json (jessfraz/dotfiles): each name another ABI has is reported once, as not a syscall on x86_64', () => {
  const chrome = fileURLToPath(new URL('../../core/data/profiles-wild/chrome.json', import.meta.url));
  const { all } = findings(chrome);
  const names = all.filter((f) => f.code === 'not-on-arch');
  assert.equal(names.length, 34);
  assert.equal(new Set(names.map((f) => f.syscall)).size, 34, 'each name once');
  assert.equal(all.filter((f) => f.code === 'unknown-syscall' || f.code === 'oci').length, 0);
  const chown32 = names.find((f) => f.syscall === 'chown32');
  assert.equal(chown32.severity, 'info');
  assert.equal(chown32.path, 'syscalls[12].name');
  assert.deepEqual(chown32.arches, ['x86_64']);
  assert.ok(chown32.existsOn.includes('x86'));
  assert.match(chown32.message, /"chown32" is not a syscall on x86_64 \(it is on x86, /);
});

test('a name listed twice is reported once, with the count; unknown names keep their suggestions', () => {
  const p = s.file('twice.json', {
    defaultAction: 'errno(EPERM)',
    rules: [{ syscalls: ['read', 'chown32', 'opnat'], action: 'allow' }, { syscalls: ['chown32', 'opnat', 'write'], action: 'errno(EACCES)' }],
  });
  const { all } = findings(p);
  const chown = all.filter((f) => f.syscall === 'chown32');
  assert.equal(chown.length, 1);
  assert.equal(chown[0].code, 'not-on-arch');
  assert.equal(chown[0].occurrences, 2);
  const typo = all.filter((f) => f.syscall === 'opnat');
  assert.equal(typo.length, 1);
  assert.equal(typo[0].code, 'unknown-syscall');
  assert.deepEqual(typo[0].suggestions, ['openat']);
  assert.equal(typo[0].path, 'rules[0].syscalls[2]');
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
