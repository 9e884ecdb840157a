// decode: the kernel's seccomp audit records, as dmesg, journalctl and auditd write them.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kernelLogMark, kernelLogReadable, kernelLogSince } from '../../core/dist/testing/index.js';
import { json, scratch, seccomp } from './helpers.js';

const NODE_PACKAGE = fileURLToPath(new URL('../../node/dist/index.js', import.meta.url));
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Why this run cannot read the kernel log (the tests that need it skip), or undefined. */
function kernelLogUnreadable(): string | undefined {
  const kmsg = kernelLogReadable();
  if (!kmsg.ok) return `the kernel log is not readable here: ${kmsg.why}`;
  const dmesg = spawnSync('dmesg', [], { encoding: 'utf8' });
  return dmesg.status === 0 ? undefined : `the kernel log is not readable here: dmesg, which decode --dmesg runs, failed (${dmesg.error?.message ?? dmesg.stderr.trim()})`;
}

/**
 * With no audit daemon the kernel prints its audit records itself, rate-limited for the whole
 * machine (printk: a burst of 10 per 5 s), and says how many it dropped —
 * "kauditd_printk_skb: N callbacks suppressed" — only when it prints the next one in a new
 * window. So: wait out the window, have one record logged, and look at what this run added
 * to the log since `mark`. Returns the notice, if records were dropped during this run.
 */
async function auditDroppedSince(mark: number, dir: string): Promise<string | undefined> {
  await sleep(5500);
  const p = join(dir, 'flush.json');
  writeFileSync(p, JSON.stringify({ defaultAction: 'allow', rules: [{ syscalls: ['mkdir'], action: 'killProcess' }] }));
  seccomp(['run', '-p', p, '--', '/bin/mkdir', join(dir, 'flush')]);
  await sleep(300);
  return kernelLogSince(mark).find((l) => /kauditd_printk_skb: \d+ callbacks suppressed/.test(l));
}

const s = scratch();

const LINES = [
  // dmesg: a kill (code is the action only: the kernel does not log the data bits).
  '[ 1737.782903] audit: type=1326 audit(1795928703.162:3833): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=11171 comm="bun.exe" exe="/usr/local/bin/bun" sig=31 arch=c000003e syscall=33 compat=0 ip=0x7fa9cd418829 code=0x80000000',
  // an errno denial from a filter loaded with the log flag
  '[ 2237.380061] audit: type=1326 audit(1795929202.758:6984): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=15533 comm="mkdir" exe="/usr/bin/mkdir" sig=0 arch=c000003e syscall=83 compat=0 ip=0x7f5c12cacf37 code=0x50000',
  // an i386 execve through int 0x80, and an x32 write
  'audit: type=1326 audit(1795929300.000:7000): auid=1000 uid=1000 gid=1000 ses=2 pid=4242 comm="attack" exe="/tmp/attack" sig=31 arch=40000003 syscall=11 compat=1 ip=0x8049000 code=0x80000000',
  'audit: type=1326 audit(1795929300.001:7001): auid=1000 uid=1000 gid=1000 ses=2 pid=4243 comm="x32" exe="/tmp/x32" sig=0 arch=c000003e syscall=1073741825 compat=0 ip=0x400000 code=0x7ffc0000',
  // auditd's own log: type=SECCOMP, and a comm with a space, which the kernel writes in hex
  'type=SECCOMP msg=audit(1795929400.500:7100): auid=0 uid=0 gid=0 ses=1 subj=unconfined pid=5150 comm=6D7920617070 exe="/opt/app" sig=0 arch=c000003e syscall=101 compat=0 ip=0x7f0000001000 code=0x50000\u001dAUID="root" UID="root" GID="root" ARCH=x86_64 SYSCALL=ptrace',
  // a name with a newline in it stays on its line
  'audit: type=1326 audit(1795929400.600:7101): auid=0 uid=0 gid=0 ses=1 pid=5151 comm=6576696C0A6E616D65 exe="/opt/evil" sig=31 arch=c000003e syscall=59 compat=0 ip=0x1 code=0x80000000',
  // not seccomp
  '[ 1738.000000] audit: type=1400 audit(1795928703.500:3840): apparmor="DENIED" operation="open"',
  'some unrelated line',
];

test('records from stdin: process, arch, syscall by name, action', () => {
  const r = seccomp(['decode'], { input: LINES.join('\n') });
  assert.equal(r.code, 0, r.stderr);
  const rows = r.stdout.split('\n');
  assert.match(rows[0]!, /^TIME +PID +COMM +ARCH +SYSCALL +ACTION$/);
  assert.match(r.stdout, /2026-\d\d-\d\d \d\d:\d\d:\d\dZ +11171 +bun\.exe +x86_64 +dup2 \(33\) +killProcess \(signal SIGSYS\)/);
  assert.match(r.stdout, /15533 +mkdir +x86_64 +mkdir \(83\) +errno\n/);
  assert.match(r.stdout, /4242 +attack +x86 +execve \(11\) +killProcess/);
  assert.match(r.stdout, /4243 +x32 +x32 +write \(1073741825\) +log/);
  assert.match(r.stdout, /5150 +my app +x86_64 +ptrace \(101\) +errno\n/);
  assert.match(r.stdout, /5151 +evil\\x0aname +x86_64 +execve \(59\) +killProcess/);
  assert.match(r.stdout, /^6 records from stdin:$/m);
});

test('--json, --pid, and files named on the command line', () => {
  const file = s.file('kern.log', LINES.join('\n'));
  const j = json(seccomp(['decode', file, '--json', '--pid', '4242']));
  assert.equal(j.source, file);
  assert.equal(j.records.length, 1);
  const [rec] = j.records;
  assert.equal(rec.arch, 'x86');
  assert.equal(rec.auditArch, '0x40000003');
  assert.equal(rec.syscall, 'execve');
  assert.equal(rec.action, 'killProcess');
  assert.equal(rec.compat, true);
  assert.equal(rec.signal, 31);
  assert.equal(rec.time, 1795929300);
});

test('no record: exit 1 with a hint about the log flag', () => {
  const r = seccomp(['decode'], { input: 'nothing here\n' });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /no seccomp records in stdin .*log flag/);
  assert.equal(seccomp(['decode', '/nope.log']).code, 3);
});

test('a real record: a command killed by its filter, read back from the kernel log', async (t) => {
  const unreadable = kernelLogUnreadable();
  if (unreadable) return t.skip(unreadable);
  const mark = kernelLogMark();
  const p = s.file('kill-mkdir.json', { defaultAction: 'allow', rules: [{ syscalls: ['mkdir'], action: 'killProcess' }] });
  // The shell prints its pid, then becomes mkdir (exec keeps the pid), which the filter kills.
  // The last try waits out printk's rate-limit window first (see auditDroppedSince).
  const kill = async (attempt: number) => {
    const r = seccomp(['run', '-p', p, '--', '/bin/sh', '-c', `echo $$; exec /bin/mkdir ${s.dir}/d${attempt}`]);
    assert.equal(r.code, 159, r.stderr);
    await sleep(200);
    return seccomp(['decode', '--dmesg', '--pid', r.stdout.trim(), '--json']);
  };
  let d = await kill(0);
  for (let attempt = 1; d.code !== 0 && attempt < 3; attempt++) d = await kill(attempt);
  if (d.code !== 0) {
    await sleep(5500);
    d = await kill(3);
  }
  if (d.code !== 0) {
    const dropped = await auditDroppedSince(mark, s.dir);
    if (dropped) return t.skip(`the kernel dropped audit records during this run, in two rate-limit windows ("${dropped}")`);
    assert.fail(`no audit record for the killed mkdir, and the kernel reported none dropped since the test began: ${d.stderr}`);
  }
  const [rec] = json(d).records;
  assert.equal(rec.comm, 'mkdir');
  assert.equal(rec.syscall, 'mkdir');
  assert.equal(rec.action, 'killProcess');
  assert.equal(rec.signal, 31);
});

test('--pid also takes records whose parent the input names: auditd\'s SYSCALL record for the same event has ppid', () => {
  // No process has pid 4000000000 here, so /proc adds nothing: only the ppid link can match.
  const parent = 4000000000;
  const lines = [
    `type=SECCOMP msg=audit(1795929500.100:7200): auid=0 uid=0 gid=0 ses=1 pid=${parent} comm="srv" exe="/opt/srv" sig=0 arch=c000003e syscall=101 compat=0 ip=0x1 code=0x50000`,
    'type=SECCOMP msg=audit(1795929500.200:7201): auid=0 uid=0 gid=0 ses=1 pid=7301 comm="srv" exe="/opt/srv" sig=0 arch=c000003e syscall=59 compat=0 ip=0x1 code=0x50000',
    `type=SYSCALL msg=audit(1795929500.200:7201): arch=c000003e syscall=59 success=no exit=-1 a0=0 a1=0 a2=0 a3=0 items=0 ppid=${parent} pid=7301 auid=0 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm="srv" exe="/opt/srv" key=(null)`,
    // Same serial, another pid: not this event's process, so no parent for 7302.
    'type=SECCOMP msg=audit(1795929500.300:7202): auid=0 uid=0 gid=0 ses=1 pid=7302 comm="other" exe="/opt/other" sig=0 arch=c000003e syscall=59 compat=0 ip=0x1 code=0x50000',
    `type=SYSCALL msg=audit(1795929500.300:7202): arch=c000003e syscall=59 success=no exit=-1 ppid=${parent} pid=9999 auid=0 uid=0 comm="x" exe="/x"`,
  ];
  const j = json(seccomp(['decode', '--json', '--pid', String(parent)], { input: lines.join('\n') }));
  assert.deepEqual(j.records.map((r: any) => [r.pid, r.relation, r.ppid]), [[parent, 'self', undefined], [7301, 'child', parent]]);
  assert.match(j.notes.join('\n'), /not running/);
  const text = seccomp(['decode', '--pid', String(parent)], { input: lines.join('\n') });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^TIME +PID +COMM +ARCH +SYSCALL +ACTION +RELATION$/m);
  assert.match(text.stdout, /7301 +srv +x86_64 +execve \(59\) +errno +child$/m);
  assert.doesNotMatch(text.stdout, /7302/);
});

test('--pid on the kernel log: a live descendant\'s denial, and the exec attempt of a child that is gone', async (t) => {
  const unreadable = kernelLogUnreadable();
  if (unreadable) return t.skip(unreadable);
  const mark = kernelLogMark();
  // A process of its own (filters are only ever loaded in children): it starts a child that
  // is refused mkdir and stays alive, then, under a second filter, forks a child whose execve
  // is refused — logged under that child's pid, which exits at once.
  const liveCode = `try { require('fs').mkdirSync(${JSON.stringify(`${s.dir}/refused`)}) } catch (e) { console.log(e.code) } setTimeout(() => {}, 20000)`;
  const script = s.file('family.mjs', `
    import { loadProfile, Action } from ${JSON.stringify(NODE_PACKAGE)};
    import { spawn, spawnSync } from 'node:child_process';
    const started = Date.now() / 1000;
    const log = (syscalls) => loadProfile({ defaultAction: Action.allow, attributes: { log: true }, rules: [{ syscalls, action: Action.errno('EPERM') }] });
    log(['mkdir']);
    const live = spawn(process.execPath, ['-e', ${JSON.stringify(liveCode)}], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise((resolve) => live.stdout.once('data', resolve));
    log(['execve', 'execveat']);
    const exec = spawnSync('/bin/true');
    console.log(JSON.stringify({ pid: process.pid, live: live.pid, exec: exec.error?.code, started }));
    setTimeout(() => {}, 20000);
  `);
  const family = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UV_USE_IO_URING: '0' } });
  t.after(() => family.kill('SIGKILL'));
  const info = JSON.parse(await new Promise<string>((resolve, reject) => {
    family.stdout!.setEncoding('utf8').once('data', resolve);
    family.once('exit', (code) => reject(new Error(`the family script ended (${code}) before reporting`)));
  }));
  t.after(() => process.kill(info.live, 'SIGKILL'));
  assert.equal(info.exec, 'EPERM', 'the child could not exec');
  await new Promise((done) => setTimeout(done, 300));
  // First the whole log: are the two records there at all? (The kernel rate-limits the audit
  // records it prints itself; only when it says it dropped some during this test is a missing
  // record not a failure.)
  const all = json(seccomp(['decode', '--dmesg', '--json'])).records;
  const liveRecord = all.find((r: any) => r.pid === info.live && r.syscall === 'mkdir');
  const execRecord = all.find((r: any) => r.syscall === 'execve' && r.exe === process.execPath && r.time >= info.started - 1 && r.pid > info.live);
  if (!liveRecord || !execRecord) {
    const dropped = await auditDroppedSince(mark, s.dir);
    if (dropped) return t.skip(`the kernel dropped audit records during this run ("${dropped}")`);
    assert.fail(`no audit record for the refused mkdir or execve, and the kernel reported none dropped since the test began: ${JSON.stringify({ liveRecord, execRecord })}`);
  }
  const records = json(seccomp(['decode', '--dmesg', '--json', '--pid', String(info.pid)])).records;
  const bySerial = (serial: number) => records.find((r: any) => r.serial === serial);
  const live = bySerial(liveRecord.serial);
  const exec = bySerial(execRecord.serial);
  assert.deepEqual([live?.relation, live?.via], ['descendant', [info.live]], JSON.stringify(records));
  assert.equal(exec?.relation, 'likely-child', `the refused exec, logged under the child's pid: ${JSON.stringify(records)}`);
  assert.equal(exec.comm, 'node', 'a child between fork and exec still runs the parent\'s program');
  // Control: a process outside that family, running another program, gets neither record.
  const sleeper = spawn('sleep', ['20'], { stdio: 'ignore' });
  t.after(() => sleeper.kill('SIGKILL'));
  const other = seccomp(['decode', '--dmesg', '--json', '--pid', String(sleeper.pid)]);
  const theirs = other.code === 0 ? json(other).records : [];
  assert.deepEqual(theirs.filter((r: any) => r.pid === info.live || r.syscall === 'execve'), [], 'not another process\'s');
});
