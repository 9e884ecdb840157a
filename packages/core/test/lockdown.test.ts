// lockdown's pure parts: options, the plan's layout, presets against their measurement, the
// .bpf container and each guard (with a fake libc). Nothing here loads a filter; the kernel
// side is in the conformance suite (testing/lockdown-suite.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Action, formatAction } from '../src/actions.js';
import type { ArchName } from '../src/arch.js';
import { expandSyscallSpecs } from '../src/groups/index.js';
import { syscallNames } from '../src/syscalls/index.js';
import { InvalidBpfError } from '../src/errors.js';
import type { Native } from '../src/native.js';
import {
  decodeLockdownBpf, encodeLockdownBpf, FIXED_DENY, LockdownRefusedError, MEASURED, PRESETS, planLockdown,
  presetSpecs, resolveLockdownOptions, type LockdownOptions,
} from '../src/lockdown/index.js';
import { checkEnvironment, checkNoIoUring } from '../src/lockdown/guards.js';
import { bindSelfPid, SELF_PID_PLACEHOLDER } from '../src/lockdown/self.js';
import { complementBlocks } from '../src/lockdown/ioctl.js';

const ARCH: ArchName = 'x86_64';
const plan = (options: LockdownOptions = {}, runtime: 'node' | 'bun' | 'deno' = 'node') =>
  planLockdown(resolveLockdownOptions(options, runtime), ARCH);
const fixedDenied = expandSyscallSpecs([...FIXED_DENY], ARCH);

test('every syscall the tables know is in exactly one class; the rest get the default ENOSYS', () => {
  for (const options of [{}, { readOnlyFs: true }, { preset: 'docker-default' as const }, { deny: ['@network-io'] }]) {
    const p = plan(options);
    const classes = [p.allowed, p.conditional, p.denied, p.enosys];
    const all = classes.flat();
    assert.equal(new Set(all).size, all.length, 'no syscall in two classes');
    assert.deepEqual([...all].sort(), [...syscallNames(ARCH)].sort(), JSON.stringify(options));
    assert.deepEqual(p.mainFilter.defaultAction, Action.errno('ENOSYS'));
    assert.deepEqual(p.mainFilter.attributes?.badArchAction, Action.killProcess);
  }
});

test('the fixed deny list wins over every preset and over groups in allow', () => {
  for (const preset of ['node', 'bun', 'deno', 'docker-default'] as const) {
    const p = plan({ preset, allow: ['@system-service', '@privileged', '@debug'] });
    const allowed = new Set([...p.allowed, ...p.conditional]);
    const leaked = fixedDenied.filter((n) => allowed.has(n));
    assert.deepEqual(leaked, [], `${preset} allows ${leaked.join(', ')}`);
    for (const n of ['execve', 'ptrace', 'mount', 'bpf', 'setuid', 'io_uring_setup', 'personality']) assert.ok(p.denied.includes(n), `${preset}: ${n}`);
    assert.deepEqual(p.enosys, ['clone3'], 'clone3 answers ENOSYS so glibc falls back to clone');
  }
});

test('naming a denied syscall in allow is an error, not a silent no-op', () => {
  assert.throws(() => plan({ allow: ['execve'] }), { name: 'RangeError', message: /execve.*always denies/ });
  assert.throws(() => plan({ allow: ['mkdir'], readOnlyFs: true }), /mkdir/);
  assert.throws(() => plan({ allow: ['getppid'], deny: ['getppid'] }), /getppid/);
  assert.doesNotThrow(() => plan({ allow: ['@process'] }), 'a group may overlap the deny list');
});

test('allow and deny extend the preset; deny also takes @groups and names', () => {
  const base = plan();
  assert.ok(!base.allowed.includes('sethostname'));
  assert.ok(plan({ allow: ['sethostname'] }).allowed.includes('sethostname'));
  const noNet = plan({ deny: ['@network-io'] });
  for (const n of ['accept4', 'connect', 'socket']) assert.ok(noNet.denied.includes(n), n);
  assert.ok(!noNet.conditional.includes('socket'), 'a denied socket needs no argument checks');
  assert.ok(plan({ deny: ['clone'] }).denied.includes('clone'));
});

test('argument checks: an allowlist of forms for clone, sockets, signals and the self-only calls; readOnlyFs adds open flags, ioctl and descriptor metadata', () => {
  const selfOnly = ['getpriority', 'kill', 'prlimit64', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'sched_setaffinity', 'setpriority', 'tgkill', 'tkill'];
  const p = plan();
  assert.deepEqual(p.conditional, ['clone', ...selfOnly, 'socket', 'socketpair'].sort());
  const rules = p.argumentFilter.rules;
  const enosysRules = rules.filter((r) => formatAction(r.action) !== 'allow');
  assert.deepEqual(enosysRules.map((r) => [formatAction(r.action), r.syscalls]), [['errno(ENOSYS)', ['clone3']]], 'allow rules, and clone3’s ENOSYS for the moment the filter is alone');
  assert.deepEqual(p.argumentFilter.defaultAction, Action.errno('EPERM'));
  const outright = new Set(rules.filter((r) => !r.conditions?.length && formatAction(r.action) === 'allow').flatMap((r) => r.syscalls as string[]));
  assert.deepEqual([...outright].sort(), [...p.allowed, 'seccomp'].sort(), 'what the main filter allows outright, and seccomp(2) for the second load');
  const ro = plan({ readOnlyFs: true });
  assert.deepEqual(ro.conditional, ['clone', 'ioctl', 'open', 'openat', ...selfOnly, 'socket', 'socketpair'].sort());
  assert.ok(ro.enosys.includes('openat2'));
  for (const n of ['creat', 'mkdir', 'unlinkat', 'renameat2', 'truncate', 'fchownat', 'utimensat', 'fchmod', 'fchown', 'fsetxattr', 'fremovexattr']) assert.ok(ro.denied.includes(n), n);
  for (const n of ['write', 'ftruncate', 'close']) assert.ok(ro.allowed.includes(n), `${n}: files opened before keep working`);
  const lifted = plan({ readOnlyFs: true, allow: ['fchmod', 'ioctl', 'kill'] });
  assert.ok(lifted.allowed.includes('fchmod') && !lifted.denied.includes('fchmod'), 'allow names a descriptor call back in');
  assert.ok(lifted.allowed.includes('ioctl') && lifted.allowed.includes('kill'), 'naming ioctl or kill lifts its check');
  assert.ok(lifted.denied.includes('fchown'), 'only what was named');
  assert.throws(() => planLockdown(resolveLockdownOptions({ readOnlyFs: true }, 'node'), 'mips'), /open\(2\) flags/);
});

test('killProcess: the argument filter refuses with EPERM, since its default also meets numbers that must get ENOSYS', () => {
  assert.deepEqual(plan({ action: 'killProcess' }).argumentFilter.defaultAction, Action.errno('EPERM'));
  assert.deepEqual(plan({ action: Action.errno('EACCES') }).argumentFilter.defaultAction, Action.errno('EACCES'));
  assert.deepEqual(plan({ dryRun: true }).argumentFilter.defaultAction, Action.log);
});

test('action: errno (default EPERM), killProcess (io_uring stays errno), log; dryRun logs instead', () => {
  const kill = plan({ action: 'killProcess' });
  const byComment = (p: typeof kill, c: string) => p.mainFilter.rules.find((r) => r.comment === c)!;
  assert.equal(formatAction(byComment(kill, 'denied').action), 'killProcess');
  assert.equal(formatAction(byComment(kill, 'io_uring: never killed').action), 'errno(EPERM)');
  assert.equal(formatAction(byComment(plan({ action: Action.errno('EACCES') }), 'denied').action), 'errno(EACCES)');
  const dry = plan({ dryRun: true });
  assert.deepEqual(dry.mainFilter.defaultAction, Action.log);
  assert.deepEqual(dry.mainFilter.attributes?.badArchAction, Action.log);
  assert.deepEqual(dry.mainFilter.rules.map((r) => formatAction(r.action)), ['allow']);
  assert.ok(dry.argumentFilter.rules.every((r) => formatAction(r.action) === 'allow'));
});

test('options are checked before anything runs', () => {
  const r = (o: unknown) => () => resolveLockdownOptions(o as LockdownOptions, 'node');
  assert.throws(r({ readonly: true }), { name: 'TypeError', message: /Unknown lockdown option readonly/ });
  assert.throws(r({ action: 'killThread' }), { name: 'RangeError', message: /hanging/ });
  assert.throws(r({ action: Action.notify }), /supervisor/);
  assert.throws(r({ preset: 'python' }), /node, bun, deno, docker-default/);
  assert.throws(r({ allow: 'execve' }), /array/);
  assert.throws(r({ dryRun: 'yes' }), /true or false/);
  assert.throws(() => plan({ allow: ['execvee'] }), { name: 'UnknownSyscallError' });
  assert.throws(() => plan({ deny: ['@netwrk-io'] }), { name: 'UnknownSyscallGroupError' });
  assert.equal(resolveLockdownOptions(undefined, 'deno').preset, 'deno', 'the preset defaults to the runtime');
});

test('each runtime preset covers what the runtime was measured doing (clone3 gets ENOSYS: glibc falls back to clone)', () => {
  for (const rt of ['node', 'bun', 'deno'] as const) {
    const allowed: Set<string> = new Set(expandSyscallSpecs(PRESETS[rt], ARCH));
    const missing: string[] = MEASURED[rt].syscalls.filter((n) => n !== 'clone3' && !allowed.has(n));
    assert.deepEqual(missing, [], `${rt} preset lacks ${missing.join(', ')}`);
    const denied = [...allowed].filter((n) => fixedDenied.includes(n));
    assert.deepEqual(denied, [], `${rt} preset lists ${denied.join(', ')}, which lockdown denies anyway`);
    assert.ok(MEASURED[rt].syscalls.length > 20, 'a real measurement');
  }
});

test('docker-default is built from Docker’s profile', () => {
  const docker = presetSpecs('docker-default', ARCH);
  for (const n of ['accept4', 'epoll_pwait', 'clone', 'socket', 'setuid']) assert.ok(docker.includes(n), n);
  for (const n of ['mount', 'bpf', 'reboot', 'init_module']) assert.ok(!docker.includes(n), n);
  // Docker allows ptrace (Linux >= 4.8) and the id changes; lockdown's fixed list still denies them.
  for (const n of ['ptrace', 'setuid']) assert.ok(docker.includes(n) && plan({ preset: 'docker-default' }).denied.includes(n), n);
});

test('the .bpf container round-trips and refuses anything else', () => {
  const meta = { arch: ARCH, preset: 'node', allowed: 1, conditional: 2, denied: 3, enosys: 4, action: 'errno(EPERM)', dryRun: false, readOnlyFs: false, logDenials: false, compiler: 'typescript' };
  const programs = [new Uint8Array(16).fill(1), new Uint8Array(24).fill(2)];
  const bytes = encodeLockdownBpf({ meta, programs });
  assert.deepEqual(decodeLockdownBpf(bytes), { meta, programs });
  assert.throws(() => decodeLockdownBpf(bytes.subarray(0, bytes.length - 8)), InvalidBpfError);
  assert.throws(() => decodeLockdownBpf(programs[1]!), /SCLD/);
  const wrongArch = bytes.slice();
  wrongArch[8] = wrongArch[8]! ^ 1;
  assert.throws(() => decodeLockdownBpf(wrongArch), /disagree/);
  const version1 = bytes.slice();
  version1[4] = 1;
  assert.throws(() => decodeLockdownBpf(version1), { name: 'InvalidBpfError', message: /version 1 .*compileLockdown/ }, 'programs made before the socket allowlist are refused');
});

test('the pid placeholder is written into comparisons only', () => {
  const jeq = (k: number) => { const b = new Uint8Array(8); const dv = new DataView(b.buffer); dv.setUint16(0, 0x15, true); dv.setUint32(4, k, true); return b; };
  const ld = (k: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setUint32(4, k, true); return b; };
  const program = new Uint8Array([...jeq(SELF_PID_PLACEHOLDER), ...jeq(7), ...jeq(SELF_PID_PLACEHOLDER)]);
  const bound = new DataView(bindSelfPid(program, 4242).buffer);
  assert.deepEqual([4, 12, 20].map((at) => bound.getUint32(at, true)), [4242, 7, 4242]);
  assert.equal(new DataView(program.buffer).getUint32(4, true), SELF_PID_PLACEHOLDER, 'a copy: the input is left alone');
  assert.throws(() => bindSelfPid(ld(SELF_PID_PLACEHOLDER), 4242), InvalidBpfError);
  assert.throws(() => bindSelfPid(program, 0), RangeError);
});

test('complementBlocks covers every value but the excluded ones, with aligned blocks', () => {
  const excluded = [0x58, 0x66, 0x76, 0x94, 0xf5];
  const blocks = complementBlocks(excluded, 8);
  for (let v = 0; v < 256; v++) {
    const hits = blocks.filter((b) => (v & b.mask) === b.value).length;
    assert.equal(hits, excluded.includes(v) ? 0 : 1, `0x${v.toString(16)}`);
  }
});

// A libc that answers as told, for the guards.
interface FakeOptions {
  status?: string | Error;
  prctl?: (option: number) => number;
  seccomp?: number;
  fds?: Record<string, string>;
}
function fakeNative(o: FakeOptions): Native {
  let errno = 0;
  const fail = (e: number) => ((errno = e), -1);
  const host = {
    readTextFile: (path: string) => {
      if (path !== '/proc/self/status') throw new Error(`unexpected read of ${path}`);
      if (o.status instanceof Error) throw o.status;
      return o.status ?? 'Name:\tx\nNoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n';
    },
    readDir: () => Object.keys(o.fds ?? {}),
    readLink: (p: string) => o.fds?.[p.split('/').pop()!] ?? '',
    pid: () => 1,
    machine: () => 'x64',
    env: () => undefined,
  };
  const libc = {
    symbols: {
      prctl: (option: number) => {
        const r = o.prctl ? o.prctl(option) : option === 39 ? 1 : 0;
        return r < 0 ? fail(-r) : r;
      },
      syscall: () => (o.seccomp ? fail(o.seccomp) : 0),
    },
    errno: () => errno,
    addressOf: () => 0n,
  };
  return { host, libc } as unknown as Native;
}

test('guards: each refusal names its reason, and a clean environment passes', () => {
  const reason = (o: FakeOptions) => {
    try {
      checkEnvironment(fakeNative(o), [Action.errno('ENOSYS'), Action.killProcess]);
      checkNoIoUring(fakeNative(o));
      return 'ok';
    } catch (err) {
      assert.ok(err instanceof LockdownRefusedError, String(err));
      assert.match(err.message, /nothing was installed/);
      return err.reason;
    }
  };
  assert.equal(reason({}), 'ok');
  assert.deepEqual(checkEnvironment(fakeNative({}), []), { filtersBefore: 0 });
  assert.equal(reason({ status: new Error('ENOENT') }), 'not-linux');
  assert.equal(reason({ status: 'Name:\tx\n' }), 'no-seccomp');
  assert.equal(reason({ prctl: (op) => (op === 21 ? -22 : 0) }), 'no-seccomp');
  assert.equal(reason({ prctl: () => -1 }), 'no-new-privs', 'prctl blocked (EPERM)');
  assert.equal(reason({ prctl: (op) => (op === 38 ? -1 : op === 39 ? 1 : 0) }), 'no-new-privs');
  assert.equal(reason({ prctl: () => 0 }), 'no-new-privs', 'NO_NEW_PRIVS did not stick');
  assert.equal(reason({ seccomp: 1 }), 'seccomp-blocked');
  assert.equal(reason({ seccomp: 38 }), 'old-kernel');
  assert.equal(reason({ seccomp: 22 }), 'old-kernel');
  assert.equal(reason({ seccomp: 95 }), 'old-kernel');
  assert.equal(reason({ fds: { 3: 'anon_inode:[eventpoll]', 7: 'anon_inode:[io_uring]' } }), 'io-uring');
  assert.throws(() => checkNoIoUring(fakeNative({ fds: { 7: 'anon_inode:[io_uring]', 9: 'anon_inode:[io_uring]' } })), (err) => {
    assert.ok(err instanceof LockdownRefusedError, String(err));
    assert.deepEqual(err.fds, [7, 9]);
    assert.equal(err.code, 'EBUSY');
    return true;
  });
});
