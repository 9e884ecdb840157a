// explain: the verdict from the compiled program, the rule that decides, the path taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXTURES, json, scratch, seccomp } from './helpers.js';

const s = scratch();
const RO = `${FIXTURES}read-only.json`;

test('a conditional rule decides: its conditions are shown with the argument', () => {
  // open(path, O_WRONLY|O_CREAT|O_TRUNC) = 0x241
  const r = seccomp(['explain', RO, 'openat', '-100', '0', '0x241']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /^openat\(0xffffffffffffff9c, 0x0, 0x241\) on x86_64 \(nr 257\)\n/);
  assert.match(r.stdout, /verdict +errno\(EPERM\) — the syscall fails with EPERM/);
  assert.match(r.stdout, /decided by +rules\[0\]: errno\(EPERM\) for openat when arg32\(2\)\.maskedEq\(0x3, 0x1\) +\(no write-only opens\)/);
  assert.match(r.stdout, /condition +arg32\(2\)\.maskedEq\(0x3, 0x1\): arg2 = 0x241 → holds/);
  assert.match(r.stdout, /not matching rules\[1\]: errno\(EACCES\)/);
  assert.match(r.stdout, /arg32\(2\)\.maskedEq\(0x3, 0x2\): arg2 = 0x241 → does not hold/);
  assert.match(r.stdout, /executed +\d+ instructions:\n(    \d{4}: .*\n)+$/);
  assert.match(r.stdout, /return ERRNO\(EPERM\)\n$/);
});

test('the other conditional rule, and the default when none matches', () => {
  const rw = json(seccomp(['explain', RO, 'openat', '-100', '0', '0o2', '--json']));
  assert.equal(rw.verdict.action, 'errno(EACCES)');
  assert.equal(rw.attribution.reason, 'rule');
  assert.equal(rw.attribution.rule.origin, 'rules[1]');
  const ro = seccomp(['explain', RO, 'openat', '-100', '0', '0']);
  assert.equal(ro.code, 0, ro.stderr);
  assert.match(ro.stdout, /verdict +allow — the syscall runs/);
  assert.match(ro.stdout, /decided by +the default action \(allow\): no rule matches this call/);
});

test('an unconditional rule, a kill, and a call by number', () => {
  const p = json(seccomp(['explain', RO, 'mount', '--json']));
  assert.equal(p.attribution.rule.origin, 'rules[2]');
  assert.equal(p.verdict.action, 'errno(EPERM)');
  const k = seccomp(['explain', RO, 'kexec_load']);
  assert.equal(k.code, 1, k.stderr);
  assert.match(k.stdout, /killProcess — the whole process is killed \(SIGSYS\)/);
  const byNumber = json(seccomp(['explain', RO, '101', '--json']));
  assert.equal(byNumber.syscall, 'ptrace');
  assert.equal(byNumber.attribution.rule.origin, 'rules[2]');
});

test('another ABI: the arch check decides', () => {
  const r = seccomp(['explain', RO, 'ptrace', '--arch', 'x86']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /on x86 \(nr 26\)/);
  assert.match(r.stdout, /decided by +the arch check: x86 is not among the filter's arches \(x86_64\)/);
  assert.match(r.stdout, /killProcess/);
  const x32 = json(seccomp(['explain', RO, 'read', '--arch', 'x32', '--json']));
  assert.equal(x32.nr, 0x40000000);
  assert.equal(x32.attribution.reason, 'badArch');
});

test('an OCI profile: the rule is named by its place in the file', () => {
  const r = json(seccomp(['explain', `${FIXTURES}oci-small.json`, 'personality', '0', '--json']));
  assert.equal(r.verdict.action, 'allow');
  assert.equal(r.attribution.rule.origin, 'syscalls[2]');
  const other = json(seccomp(['explain', `${FIXTURES}oci-small.json`, 'personality', '8', '--json']));
  assert.equal(other.verdict.action, 'errno(EPERM)');
  assert.equal(other.attribution.reason, 'default');
  assert.equal(other.attribution.notMatching[0].origin, 'syscalls[2]');
  const basic = seccomp(['explain', `${FIXTURES}oci-small.json`, 'read', '--arch', 'x86']);
  assert.match(basic.stdout, /decided by +syscalls\[0\]: allow for read, write, exit_group, getdents64 +\(basic I\/O\)/);
});

test('overlapping conditional rules: every matching rule is reported, the verdict names the one that won', () => {
  const p = s.file('overlap.json', {
    defaultAction: 'allow',
    rules: [
      { syscalls: ['socket'], action: 'errno(EACCES)', conditions: [{ arg: 0, op: 'eq', value: '0x11', width: 32 }] },
      { syscalls: ['socket'], action: 'errno(EPERM)', conditions: [{ arg: 1, op: 'eq', value: '0x3', width: 32 }] },
    ],
  });
  const r = json(seccomp(['explain', p, 'socket', '17', '3', '--json']));
  const winner = r.attribution.rule;
  assert.equal(winner.action, r.verdict.action);
  assert.equal(r.attribution.alsoMatching.length, 1);
  assert.notEqual(r.attribution.alsoMatching[0].origin, winner.origin);
});

test('a compiled program: the verdict, and the instruction that returned', () => {
  seccomp(['compile', RO, '-o', `${s.dir}/ro.bpf`, '--via', 'libseccomp']);
  const r = seccomp(['explain', `${s.dir}/ro.bpf`, 'ptrace']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /decided by +\d{4}: return ERRNO\(EPERM\), reached from \d{4}: if \(A == ptrace\)/);
  const ok = seccomp(['explain', `${s.dir}/ro.bpf`, 'read', '3', '0', '100']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('a long path is shortened unless --trace', () => {
  const names = ['read', 'write', 'close', 'fstat', 'lseek', 'mmap', 'mprotect', 'munmap', 'brk', 'ioctl', 'pread64', 'pwrite64', 'readv', 'writev', 'access', 'pipe', 'select', 'dup', 'dup2', 'getpid'];
  const p = s.file('long.json', { defaultAction: 'errno(EPERM)', rules: names.map((n) => ({ syscalls: [n], action: 'allow' })) });
  // libseccomp's linear layout makes the path long (the SDK's compiler searches: 8 steps).
  const short = seccomp(['explain', p, 'exit_group', '--via', 'libseccomp']);
  assert.match(short.stdout, /… \d+ more \(--trace shows every instruction\)/);
  const all = seccomp(['explain', p, 'exit_group', '--trace', '--via', 'libseccomp']);
  assert.doesNotMatch(all.stdout, /more \(--trace/);
  const executed = Number(/executed +(\d+) instructions/.exec(all.stdout)![1]);
  assert.equal(all.stdout.trimEnd().split('\n').filter((l) => /^    \d{4}: /.test(l)).length, executed);
});

test('arguments that are not numbers are a usage error', () => {
  const r = seccomp(['explain', RO, 'openat', 'AT_FDCWD']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /argument 0 "AT_FDCWD" is not a number/);
});

test('socketcall on x86: a socket rule is shown as the filter checks it (arg0 == the call number), never contradicting its verdict', () => {
  const dir = scratch();
  const profile = dir.file('sock.json', {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
    ],
  });
  for (const [call, runs] of [['1', true], ['2', false]] as const) {
    const r = seccomp(['explain', profile, 'socketcall', call, '--arch', 'x86', '--json']);
    const out = json(r);
    assert.equal(r.code, runs ? 0 : 1, r.stderr);
    const reports = [out.attribution.rule, ...out.attribution.alsoMatching, ...out.attribution.notMatching].filter(Boolean);
    const socketRule = reports.find((x: { origin: string }) => x.origin === 'syscalls[1]');
    assert.ok(socketRule, JSON.stringify(out.attribution));
    // socket()'s arg0 == 40 is behind socketcall's pointer: the filter checks socketcall's call number instead.
    assert.deepEqual(socketRule.conditions.map((c: { arg: number; holds: boolean }) => [c.arg, c.holds]), [[0, runs]]);
    assert.match(socketRule.conditions[0].text, /^arg0 == 1 \(socketcall's call number for socket; arg\(0\)\.eq\(0x28\) is on socket\(\)'s argument/);
    // A rule reported as matching has every condition holding, and one not matching has one that does not.
    assert.equal(socketRule.matches, socketRule.conditions.every((c: { holds: boolean }) => c.holds));
  }
});
