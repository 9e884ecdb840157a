// learn → run round trips on real commands, and a command that needs more than was learned.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { json, oneLineError, scratch, seccomp } from './helpers.js';

const s = scratch();
const data = s.file('data.txt', 'hello from a file\n');

test('learn /bin/cat <file>: the minimal OCI profile, in three commented groups', () => {
  const out = `${s.dir}/cat.json`;
  const r = seccomp(['learn', '-o', out, '--', '/bin/cat', data]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello from a file\n'); // the command's own output, untouched
  assert.match(r.stderr, /^seccomp: learned \d+ syscalls from \d+ calls: \d+ for the command, \d+ more for the launcher, \d+ more for signals, exits and crashes; wrote /);
  const profile = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(profile.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(profile.defaultErrnoRet, 1);
  assert.deepEqual(profile.architectures, ['SCMP_ARCH_X86_64']);
  const [command, launcher, ending] = profile.syscalls;
  assert.match(command.comment, /^used by: \/bin\/cat /);
  for (const n of ['openat', 'read', 'close', 'exit_group']) assert.ok(command.names.includes(n), n);
  assert.match(launcher.comment, /seccomp run/);
  for (const n of ['execve', 'wait4']) assert.ok(launcher.names.includes(n), n);
  assert.ok(!command.names.includes('mkdir') && !launcher.names.includes('mkdir'));
  // How a process ends, which /bin/cat never showed: re-raising a signal, abort().
  assert.match(ending.comment, /^always allowed, whatever the learning run did: how a process ends/);
  for (const n of ['tgkill', 'tkill', 'kill', 'restart_syscall', 'sigaltstack']) assert.ok(ending.names.includes(n), n);
  const all = profile.syscalls.flatMap((g: { names: string[] }) => g.names);
  assert.ok(all.includes('rt_sigreturn') && all.includes('exit_group'));
  assert.equal(new Set(all).size, all.length, 'each name in one group');
});

test('run --profile <learned> -- the same command succeeds, again and again', () => {
  for (let i = 0; i < 5; i++) {
    const r = seccomp(['run', '--profile', `${s.dir}/cat.json`, '--', '/bin/cat', data]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from a file\n');
    assert.equal(r.stderr, '');
  }
});

test('a command that needs more than was learned fails with EPERM', () => {
  const mk = seccomp(['run', '--profile', `${s.dir}/cat.json`, '--', '/bin/mkdir', `${s.dir}/new`]);
  assert.equal(mk.code, 1, mk.stderr);
  assert.match(mk.stderr, /mkdir: cannot create directory .*: Operation not permitted/);
  const ls = seccomp(['run', '--profile', `${s.dir}/cat.json`, '--', '/bin/ls', s.dir]);
  assert.notEqual(ls.code, 0);
  assert.match(ls.stderr, /Operation not permitted/);
});

test('learn /bin/true, then run it; learn --json reports the profile', () => {
  const out = `${s.dir}/true.json`;
  const r = seccomp(['learn', '-o', out, '--json', '--', '/bin/true']);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.output, out);
  assert.equal(j.status, 0);
  assert.ok(j.notifications > 10);
  assert.deepEqual([j.command, j.launcher, j.ending], j.profile.syscalls.map((g: { names: string[] }) => g.names.length), 'group sizes, in order');
  assert.deepEqual(j.profile, JSON.parse(readFileSync(out, 'utf8')));
  assert.equal(seccomp(['run', '--profile', out, '--', '/bin/true']).code, 0);
});

test('learn passes the command\'s status through, and still writes the profile', () => {
  const out = `${s.dir}/false.json`;
  const r = seccomp(['learn', '-o', out, '--', '/bin/sh', '-c', 'exit 7']);
  assert.equal(r.code, 7, r.stderr);
  assert.match(r.stderr, /exited with status 7/);
  assert.ok(JSON.parse(readFileSync(out, 'utf8')).syscalls.length > 0);
});

test('run passes the exit status and signals through', () => {
  const p = s.file('allow-all.json', { defaultAction: 'allow', rules: [{ syscalls: ['ptrace'], action: 'errno(EPERM)' }] });
  assert.equal(seccomp(['run', '-p', p, '--', '/bin/sh', '-c', 'exit 42']).code, 42);
  const killed = seccomp(['run', '-p', p, '--', '/bin/sh', '-c', 'kill -TERM $$']);
  assert.equal(killed.code, 128 + 15, `stdout: ${killed.stdout}\nstderr: ${killed.stderr}`);
});

test('a kill action ends the command with SIGSYS: 128 + 31', () => {
  const p = s.file('kill-mkdir.json', { defaultAction: 'allow', rules: [{ syscalls: ['mkdir', 'mkdirat'], action: 'killProcess' }] });
  const r = seccomp(['run', '-p', p, '--', '/bin/mkdir', `${s.dir}/killed`]);
  assert.equal(r.code, 159, r.stderr);
});

test('a profile that stops the launcher is refused before loading: exit 125', () => {
  const p = s.file('noexec.json', { defaultAction: 'allow', rules: [{ syscalls: ['execve'], action: 'errno(EPERM)' }] });
  const r = seccomp(['run', '--profile', p, '--', '/bin/true']);
  assert.equal(r.code, 125, r.stderr);
  assert.match(oneLineError(r), /the filter stops what `seccomp run` needs after loading it: execve \(errno\(EPERM\)\) to start the command/);
});

test('command not found: 127; an invalid profile: 125', () => {
  const p = s.file('ok.json', { defaultAction: 'allow', rules: [{ syscalls: ['ptrace'], action: 'errno(EPERM)' }] });
  const nf = seccomp(['run', '-p', p, '--', '/no/such/command']);
  assert.equal(nf.code, 127, nf.stderr);
  assert.equal(oneLineError(nf), 'seccomp: /no/such/command: command not found');
  const bad = seccomp(['run', '-p', s.file('typo.json', { defaultAction: 'allow', rules: [{ syscalls: ['ptrce'], action: 'errno(EPERM)' }] }), '--', '/bin/true']);
  assert.equal(bad.code, 125, bad.stderr);
  assert.match(oneLineError(bad), /unknown syscall "ptrce" \(did you mean "ptrace"\?\)/);
});

test('a compiled program runs too', () => {
  seccomp(['compile', `${s.dir}/true.json`, '-o', `${s.dir}/true.bpf`]);
  assert.equal(seccomp(['run', '-p', `${s.dir}/true.bpf`, '--', '/bin/true']).code, 0);
});

test('presets: docker-default, and lockdown\'s node preset adapted for launching', () => {
  const d = seccomp(['run', '--preset', 'docker-default', '--', '/bin/sh', '-c', 'echo in docker-default']);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.stdout, 'in docker-default\n');
  // Node starts, serves HTTP and may start a program; what lockdown denies stays denied. The
  // probes are calls any user may make (setuid to its own uid, unshare of no namespace), and
  // the control runs them unfiltered: so the EPERM under the preset is the filter's, as root
  // or not. The filter refuses setuid and unshare whatever their arguments.
  const script = [
    "const http = require('http');",
    "const cp = require('child_process');",
    "const out = { child: cp.execFileSync('/bin/echo', ['child']).toString().trim() };",
    "try { process.setuid(process.getuid()); out.setuid = 'ran'; } catch (e) { out.setuid = e.code; }",
    "const srv = http.createServer((q, r) => r.end('served')).listen(0, '127.0.0.1', () => {",
    "  http.get({ host: '127.0.0.1', port: srv.address().port }, (res) => { let b = ''; res.on('data', (d) => (b += d)); res.on('end', () => { out.http = b; srv.close(); console.log(JSON.stringify(out)); }); });",
    '});',
  ].join('\n');
  const control = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(control.status, 0, control.stderr);
  assert.deepEqual(JSON.parse(control.stdout), { child: 'child', setuid: 'ran', http: 'served' }, 'control: unfiltered, the same script may setuid');
  const n = seccomp(['run', '--preset', 'node', '--', process.execPath, '-e', script]);
  assert.equal(n.code, 0, n.stderr);
  assert.deepEqual(JSON.parse(n.stdout), { child: 'child', setuid: 'EPERM', http: 'served' });
  const unshare = ['/usr/bin/unshare', '/bin/true']; // unshare(0)
  const unshareControl = spawnSync(unshare[0]!, unshare.slice(1), { encoding: 'utf8' });
  assert.equal(unshareControl.status, 0, `control: unfiltered, unshare runs: ${unshareControl.stderr}`);
  const ns = seccomp(['run', '--preset', 'node', '--', ...unshare]);
  assert.notEqual(ns.code, 0);
  assert.match(ns.stderr, /unshare failed: Operation not permitted/);
  const unknown = seccomp(['run', '--preset', 'nod', '--', '/bin/true']);
  assert.equal(unknown.code, 2, unknown.stderr);
  assert.match(oneLineError(unknown), /unknown preset "nod" \(did you mean "node"\?\)/);
});
