// Bad input, as users give it: each gets one line on stderr and a documented non-zero code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json, oneLineError, scratch, seccomp } from './helpers.js';

const s = scratch();

test('a missing file: exit 3, one line naming it', () => {
  for (const args of [['compile', '/nope/p.json', '-o', `${s.dir}/x.bpf`], ['disasm', '/nope/p.bpf'], ['explain', '/nope/p.json', 'read'], ['audit', '/nope/p.json'], ['run', '--profile', '/nope/p.json', '--', '/bin/true']]) {
    const r = seccomp(args);
    assert.equal(r.code, args[0] === 'run' ? 125 : 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLineError(r), /\/nope\/p\.(json|bpf): no such file/);
  }
});

test('malformed JSON: exit 3, with the line and column', () => {
  const p = s.file('broken.json', '{\n  "defaultAction": "allow",\n  "rules": [,]\n}\n');
  const r = seccomp(['compile', p, '-o', `${s.dir}/x.bpf`]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(oneLineError(r), /broken\.json: malformed JSON at line 3, column 13: unexpected ","/);
});

test('an unknown syscall in a profile: exit 3, one line with the suggestion', () => {
  const p = s.file('typo.json', { defaultAction: 'errno(EPERM)', rules: [{ syscalls: ['opnat', 'read'], action: 'allow' }] });
  const r = seccomp(['compile', p, '-o', `${s.dir}/x.bpf`]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(oneLineError(r), /invalid profile: rules\[0\]\.syscalls\[0\]: unknown syscall "opnat" \(did you mean "openat"\?\)/);
});

test('an unknown syscall on the command line: exit 3, with the suggestion; --json carries the suggestions', () => {
  const p = s.file('ok.json', { defaultAction: 'allow', rules: [{ syscalls: ['ptrace'], action: 'errno(EPERM)' }] });
  const r = seccomp(['explain', p, 'ptrcae']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(oneLineError(r), /Unknown syscall "ptrcae" on x86_64\. Did you mean "ptrace"\?/);
  const j = seccomp(['explain', p, 'ptrcae', '--json']);
  assert.equal(j.code, 3, j.stderr);
  assert.deepEqual(json(j).error.suggestions, ['ptrace']);
  assert.equal(json(j).exitCode, 3);
});

test('a profile with several mistakes: every problem on the one line', () => {
  const p = s.file('bad.json', { defaultAction: 'allow', rules: [{ syscalls: ['read'], action: 'allow' }, { syscalls: [], action: 'nope' }] });
  const line = oneLineError(seccomp(['compile', p, '-o', `${s.dir}/x.bpf`]));
  assert.match(line, /rules\[0\]\.action: same as defaultAction/);
  assert.match(line, /rules\[1\]\.syscalls: empty/);
  assert.match(line, /rules\[1\]\.action: unknown action "nope"/);
  // audit reads the same file the same way.
  assert.equal(oneLineError(seccomp(['audit', p])).replace('audit', 'compile'), line);
});

test('truncated JSON says where the input ended', () => {
  const p = s.file('cut.json', '{ "defaultAction": "allow", "rules": [');
  assert.match(oneLineError(seccomp(['audit', p])), /malformed JSON at line 1, column 39: unexpected end of input/);
});

test('JSON that is neither kind of profile, and a file that is neither JSON nor BPF', () => {
  const a = seccomp(['compile', s.file('x.json', { hello: 1 }), '-o', `${s.dir}/x.bpf`]);
  assert.equal(a.code, 3, a.stderr);
  assert.match(oneLineError(a), /neither an SDK profile .* nor an OCI seccomp profile/);
  const b = seccomp(['disasm', s.file('x.bin', 'abc')]);
  assert.equal(b.code, 3, b.stderr);
  assert.match(oneLineError(b), /not a BPF program \(3 bytes is not a multiple of the 8-byte instruction\)/);
  // Eight bytes that fail the kernel's checks (no RET at the end).
  const c = seccomp(['disasm', s.file('x.bpf', '\u0020\0\0\0\0\0\0\0')]);
  assert.equal(c.code, 3, c.stderr);
  assert.match(oneLineError(c), /invalid BPF program/);
});

test('usage mistakes: exit 2 with a hint', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command "frobnicate"/],
    [['explian'], /unknown command "explian" \(did you mean "explain"\?\)/],
    [['compile', 'p.json'], /missing -o <out\.bpf>/],
    [['compile', 'p.json', '-o', 'x', '--optimise', '2'], /unknown option --optimise \(did you mean --optimize\?\)/],
    [['compile', 'p.json', '-o', 'x', '--optimize', '3'], /--optimize is 1 .* or 2/],
    [['compile', 'p.json', '-o', 'x', '--arch', 'amd64'], /unknown arch "amd64"/],
    [['explain', 'p.json'], /missing <syscall>/],
    [['status', 'abc'], /a pid is a positive number/],
    [['run', '--profile', 'p.json'], /missing the command/],
    [['learn', '--', '/bin/true'], /missing -o <p\.json>/],
    [['decode', '--pid', 'x'], /--pid takes a number/],
  ];
  for (const [args, re] of cases) {
    const r = seccomp(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(oneLineError(r), re);
  }
});

test('every command has --help with its usage and exit codes', () => {
  const top = seccomp(['--help']);
  assert.equal(top.code, 0, top.stderr);
  for (const name of ['status', 'doctor', 'compile', 'disasm', 'explain', 'run', 'learn', 'decode', 'audit']) {
    assert.match(top.stdout, new RegExp(`^  ${name} `, 'm'));
    const r = seccomp([name, '--help']);
    assert.equal(r.code, 0, name);
    assert.match(r.stdout, new RegExp(`^Usage: seccomp ${name}`));
    assert.match(r.stdout, /\nExit codes:\n/);
    assert.match(r.stdout, /--json/);
  }
  assert.equal(seccomp([]).code, 2);
  assert.match(seccomp(['--version']).stdout, /^\d+\.\d+\.\d+\n$/);
});
