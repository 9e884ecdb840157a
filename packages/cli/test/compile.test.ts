// compile and disasm: SDK and OCI input, arches, layouts, and what the program says.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { libraryVersion, syscallResolveName } from '@seccomp/node';
import { FIXTURES, json, scratch, seccomp } from './helpers.js';

const s = scratch();

test('compile an SDK profile: the program is written, a summary is printed', () => {
  const out = `${s.dir}/ro.bpf`;
  const r = seccomp(['compile', `${FIXTURES}read-only.json`, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const bytes = readFileSync(out);
  assert.ok(bytes.length > 0 && bytes.length % 8 === 0);
  assert.match(r.stdout, new RegExp(`${bytes.length / 8} instructions \\(${bytes.length} bytes\\)`));
  assert.match(r.stdout, /from +.*read-only\.json \(SDK profile\)/);
  assert.match(r.stdout, /default +allow/);
  assert.match(r.stdout, /rules +4 rules over 4 syscalls/);
});

test('compile an OCI profile: detected by content, resolved for the arch, warnings on stderr', () => {
  const out = `${s.dir}/oci.bpf`;
  const r = seccomp(['compile', `${FIXTURES}oci-small.json`, '-o', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.format, 'oci');
  assert.deepEqual(j.arches, ['x86_64', 'x86', 'x32']);
  assert.equal(j.instructions * 8, readFileSync(out).length);
  // not_a_real_syscall is left out with a warning; ptrace needs CAP_SYS_PTRACE.
  assert.match(r.stderr, /syscalls\[1\]\.names\[0\]: unknown syscall "not_a_real_syscall"/);
  assert.equal(j.rules, 2);
  const withCap = json(seccomp(['compile', `${FIXTURES}oci-small.json`, '-o', out, '--json', '--cap', 'CAP_SYS_PTRACE']));
  assert.equal(withCap.rules, 3);
});

test('--arch and --optimize change the program; the same input gives the same bytes', () => {
  const a = json(seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/a.bpf`, '--json']));
  const b = json(seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/b.bpf`, '--json']));
  assert.equal(a.sha256, b.sha256);
  const multi = json(seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/m.bpf`, '--json', '--arch', 'x86_64,x86', '--arch', 'x32']));
  assert.deepEqual(multi.arches, ['x86_64', 'x86', 'x32']);
  assert.ok(multi.instructions > a.instructions);
  assert.equal(a.compiler, 'typescript');
  assert.equal(a.optimize, null);
  const linear = json(seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/l.bpf`, '--json', '--via', 'libseccomp']));
  assert.equal(linear.compiler, 'libseccomp');
  assert.equal(linear.optimize, 1);
  const tree = json(seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/t.bpf`, '--json', '--via', 'libseccomp', '--optimize', '2']));
  assert.equal(tree.optimize, 2);
  assert.notEqual(tree.sha256, linear.sha256);
  // The SDK's compiler has one layout: --optimize alone is a usage error, not silently ignored.
  const ignored = seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/x.bpf`, '--optimize', '2']);
  assert.equal(ignored.code, 2, ignored.stderr);
  assert.match(ignored.stderr, /--optimize picks libseccomp's layout: add --via libseccomp/);
  const bad = seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/x.bpf`, '--via', 'gcc']);
  assert.equal(bad.code, 2, bad.stderr);
});

test("the SDK's compiler: a shorter program with the same verdicts, every return named by its rule", () => {
  // An allowlist: neighbouring numbers become one range, and the search is short.
  const names = ['read', 'write', 'close', 'fstat', 'lseek', 'mmap', 'mprotect', 'munmap', 'brk', 'pread64', 'pwrite64', 'readv', 'writev', 'getpid', 'exit_group'];
  const allow = s.file('allowlist.json', { defaultAction: 'errno(EPERM)', rules: [{ syscalls: names, action: 'allow' }] });
  const short = json(seccomp(['compile', allow, '-o', `${s.dir}/al.bpf`, '--json']));
  const long = json(seccomp(['compile', allow, '-o', `${s.dir}/al-lib.bpf`, '--json', '--via', 'libseccomp']));
  assert.ok(short.instructions < long.instructions, `${short.instructions} < ${long.instructions}`);
  for (const name of [...names, 'openat', 'socket']) {
    assert.deepEqual(json(seccomp(['explain', `${s.dir}/al.bpf`, name, '--json'])).verdict, json(seccomp(['explain', `${s.dir}/al-lib.bpf`, name, '--json'])).verdict, name);
  }
  seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/own.bpf`]);
  seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/lib.bpf`, '--via', 'libseccomp']);
  for (const call of [['ptrace'], ['openat', '-100', '0', '1'], ['openat', '-100', '0', '0'], ['read'], ['mount']]) {
    const a = json(seccomp(['explain', `${s.dir}/own.bpf`, ...call, '--json']));
    const b = json(seccomp(['explain', `${s.dir}/lib.bpf`, ...call, '--json']));
    assert.deepEqual(a.verdict, b.verdict, call.join(' '));
  }
  const lines = json(seccomp(['disasm', `${FIXTURES}read-only.json`, '--json'])).lines as { text: string; source?: string }[];
  const returns = lines.filter((l) => l.text.startsWith('return'));
  assert.ok(returns.length > 0);
  for (const l of returns) assert.match(l.source ?? '', /^(rules\[\d+\]|default action|bad-arch action)$/, l.text);
  assert.ok(returns.some((l) => l.source === 'rules[0]'));
  const text = seccomp(['disasm', `${FIXTURES}read-only.json`]).stdout;
  assert.match(text, /return ERRNO\(EACCES\) +← rules\[\d\]/);
  assert.match(text, /return KILL_PROCESS +← bad-arch action/);
});

test('disasm names arches, syscalls, argument words and actions', () => {
  // libseccomp's layout compares each syscall number with ==, which the listing names.
  seccomp(['compile', `${FIXTURES}read-only.json`, '-o', `${s.dir}/ro.bpf`, '--via', 'libseccomp']);
  const r = seccomp(['disasm', `${s.dir}/ro.bpf`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ line  CODE  JT   JF      K\n=+\n0000: 0x20 0x00 0x00 0x00000004  A = arch\n/);
  assert.match(r.stdout, /if \(A != ARCH_X86_64\) goto \d{4}/);
  assert.match(r.stdout, /if \(A == ptrace\) goto \d{4}/);
  assert.match(r.stdout, /A = args\[2\] \(low\)/);
  assert.match(r.stdout, /return ERRNO\(EACCES\)/);
  assert.match(r.stdout, /return KILL_PROCESS/);
  // A profile is compiled first: the same listing.
  const direct = seccomp(['disasm', `${FIXTURES}read-only.json`, '--via', 'libseccomp']);
  assert.equal(direct.stdout, r.stdout);
  const lines = json(seccomp(['disasm', `${s.dir}/ro.bpf`, '--json'])).lines;
  assert.equal(lines[0].text, 'A = arch');
  assert.equal(lines.length, readFileSync(`${s.dir}/ro.bpf`).length / 8);
});

// Whether the libseccomp this run loads knows mseal (resolving a name loads no filter), asked
// of the library itself rather than read from the output under test.
const knowsMseal = syscallResolveName('mseal') >= 0;

test(`a syscall the loaded libseccomp ${knowsMseal ? 'knows' : 'does not know'} (mseal) on several arches: ${knowsMseal ? 'kept' : 'left out of allow rules, an error in a stricter rule'}`, () => {
  // Docker lists syscalls libseccomp 2.5 does not know (mseal, getxattrat, …).
  const p = s.file('newer.json', {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    syscalls: [{ names: ['read', 'mseal'], action: 'SCMP_ACT_ALLOW' }],
  });
  const r = seccomp(['compile', p, '-o', `${s.dir}/n.bpf`, '--via', 'libseccomp']);
  assert.equal(r.code, 0, r.stderr);
  const denied = s.file('newer-deny.json', { defaultAction: 'allow', arches: ['x86_64', 'x86'], rules: [{ syscalls: ['mseal'], action: 'errno(EPERM)' }] });
  const d = seccomp(['compile', denied, '-o', `${s.dir}/d.bpf`, '--via', 'libseccomp']);
  // The SDK's compiler knows mseal on both arches from its own tables: nothing left out, nothing refused.
  const own = seccomp(['compile', p, '-o', `${s.dir}/n2.bpf`]);
  assert.equal(own.code, 0, own.stderr);
  // Reading the OCI profile says whether the loaded libseccomp knows it (runc would skip it).
  if (knowsMseal) assert.doesNotMatch(own.stderr, /mseal/);
  else assert.match(own.stderr, /syscall "mseal" is unknown to the loaded libseccomp; kept/);
  assert.doesNotMatch(own.stderr, /left out/);
  for (const arch of ['x86_64', 'x86']) {
    assert.equal(json(seccomp(['explain', p, 'mseal', '--arch', arch, '--json'])).verdict.action, 'allow', arch);
    assert.equal(json(seccomp(['explain', denied, 'mseal', '--arch', arch, '--json'])).verdict.action, 'errno(EPERM)', arch);
  }
  if (knowsMseal) {
    assert.doesNotMatch(r.stderr, /mseal/, `libseccomp ${libraryVersion().text} knows mseal: nothing is left out`);
    assert.equal(d.code, 0, d.stderr);
  } else {
    assert.match(r.stderr, /syscall "mseal" \(allow\) on arches x86_64, x86: left out — the loaded libseccomp does not know it/);
    assert.equal(d.code, 3, d.stderr);
    assert.match(d.stderr, /does not know syscall "mseal" .*would let the syscall through; upgrade libseccomp or limit the profile to the native arch/);
  }
});
