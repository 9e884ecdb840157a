/**
 * The lockdown and attack suite, part of the conformance suite every runtime runs. Each test
 * is a child process (lockdown-scenarios.ts); attacks run twice — under lockdown, where each
 * must be refused, and in a control child without it, where each must reach the kernel — so
 * a test cannot pass because an attack was broken to begin with.
 */
import assert from 'node:assert/strict';
import { decodeLockdownBpf, emulate, encodeAction, formatAction, resolveSyscall, syscallNames, type Action, type ArchName } from '../src/index.js';
import { bindSelfPid } from '../src/lockdown/self.js';
import { attacks } from './attack/attacks.js';
import { buildAttackHelper } from './attack/build.js';
import { runChild, type ChildOutcome } from './harness.js';
import { moduleGraph } from './module-graph.js';
import { isRecordOf, kernelLogReadable, loggedChild } from './kmsg.js';
import { privileges } from './privileges.js';
import type { SuiteAdapter } from './suite-types.js';

const EPERM = 1;
const ENOSYS = 38;
const ERRNO: Record<string, number> = { EPERM, ENOSYS, EBADF: 9, EACCES: 13, EINVAL: 22 };

/**
 * Every attack attacks.ts makes, by name, written out by hand so that one deleted there (or
 * skipped by the scenario) fails the exact lists below; and what the control run, without
 * lockdown, must show for each:
 *   works    it succeeds (ret >= 0) for any user, on any Linux with openat2 (5.6);
 *   reaches  the kernel answers with anything but EPERM/EACCES: which answer depends on its
 *            config, modules or file system (ENOENT, EAFNOSUPPORT, ENOTTY, ENODATA, …);
 *   kernel   the kernel itself refuses it on a read-only descriptor, with or without lockdown.
 * Those attacks.ts marks `root` need capabilities for that (an unprivileged run skips them by
 * name). execve and execveat replace the process: they have controls of their own.
 */
type Control = 'works' | 'reaches' | 'kernel';
const ATTACKS: { always: Record<string, Control>; x86_64: Record<string, Control>; readOnlyFs: Record<string, Control>; replaces: string[] } = {
  always: {
    'fork': 'works', 'clone (a process: no CLONE_THREAD)': 'works', 'clone3': 'works', 'clone (CLONE_THREAD in a new network namespace)': 'reaches',
    'ptrace(PTRACE_ATTACH)': 'reaches', 'process_vm_readv': 'works', 'process_vm_writev': 'works',
    'mount': 'reaches', 'umount2': 'reaches', 'pivot_root': 'reaches', 'chroot': 'reaches', 'unshare': 'works', 'setns': 'reaches',
    'bpf': 'reaches', 'perf_event_open': 'reaches', 'userfaultfd': 'reaches', 'keyctl': 'reaches', 'add_key': 'reaches', 'request_key': 'reaches',
    'init_module': 'reaches', 'finit_module': 'reaches', 'delete_module': 'reaches', 'kexec_load': 'reaches', 'kexec_file_load': 'reaches',
    'io_uring_setup': 'works', 'personality': 'works', 'reboot (wrong magic)': 'reaches', 'swapon': 'reaches', 'swapoff': 'reaches',
    'setuid': 'works', 'setgid': 'works', 'setresuid': 'works',
    'socket(AF_PACKET, SOCK_RAW)': 'works', 'socket(AF_PACKET) with garbage in the high word': 'works',
    'socket(AF_INET, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, ICMP)': 'works', 'socket(AF_INET6, SOCK_RAW)': 'works', 'open_by_handle_at': 'reaches',
    'socket(AF_INET, SOCK_PACKET, ETH_P_ALL)': 'works', 'socket(AF_INET6, SOCK_PACKET)': 'reaches', 'socket(AF_UNIX, SOCK_PACKET|SOCK_CLOEXEC)': 'reaches',
    'socket(AF_VSOCK, SOCK_STREAM)': 'reaches', 'socket(AF_VSOCK) with garbage in the high word': 'reaches', 'socket(AF_ALG, SOCK_SEQPACKET)': 'reaches',
    'socket(AF_KEY, SOCK_RAW)': 'reaches', 'socket(AF_BLUETOOTH, SOCK_STREAM)': 'reaches', 'socket(AF_XDP, SOCK_RAW)': 'reaches', 'socket(AF_TIPC, SOCK_RDM)': 'reaches',
    'socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)': 'reaches', 'socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)': 'reaches', 'socket(AF_INET, SOCK_SEQPACKET)': 'reaches',
    'socket(AF_UNIX, SOCK_RAW)': 'works', 'socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT)': 'works',
    'socketpair(AF_TIPC, SOCK_SEQPACKET)': 'reaches', 'socketpair(AF_UNIX, SOCK_PACKET)': 'reaches',
    'kill(parent, 0)': 'works', 'kill(0, 0): the process group': 'works', 'kill(-1, 0): every process': 'works', 'tgkill(parent, parent, 0)': 'works',
    'tkill(parent, 0)': 'works', 'rt_sigqueueinfo(parent, 0)': 'works', 'rt_tgsigqueueinfo(parent, parent, 0)': 'works',
    'getpriority(PRIO_PROCESS, parent)': 'works', 'getpriority(PRIO_USER, 0)': 'works', 'setpriority(PRIO_PROCESS, parent, its own nice)': 'works',
    'sched_setaffinity(parent, its own mask)': 'works', 'prlimit64(parent, RLIMIT_NOFILE, read only)': 'works',
  },
  x86_64: { vfork: 'works' },
  readOnlyFs: {
    'open(new file, O_WRONLY|O_CREAT)': 'works', 'openat(new file, O_CREAT)': 'works', 'openat(existing, O_WRONLY|O_TRUNC)': 'works',
    'openat(existing, O_RDONLY|O_APPEND)': 'works', 'openat2(new file, O_WRONLY|O_CREAT)': 'works', 'creat': 'works', 'mkdir': 'works', 'unlink': 'works', 'rename': 'works',
    'fchmod(read-only fd, 04777)': 'works', 'fchown(read-only fd, -1, -1)': 'works', 'fsetxattr(read-only fd, XATTR_REPLACE)': 'reaches', 'fremovexattr(read-only fd)': 'reaches',
    'ioctl(read-only fd, FS_IOC_SETFLAGS, its flags)': 'reaches', 'ioctl(read-only fd, FS_IOC_FSSETXATTR, its attributes)': 'reaches',
    'utimensat(read-only fd, NULL)': 'works', 'linkat(read-only fd, "", AT_EMPTY_PATH)': 'reaches',
    'mkdirat': 'works', 'unlinkat': 'reaches', 'renameat2': 'reaches',
    'ftruncate(read-only fd)': 'kernel', 'fallocate(read-only fd)': 'kernel', 'write(read-only fd)': 'kernel', 'copy_file_range(into a read-only fd)': 'kernel',
    'mmap(read-only fd, PROT_WRITE, MAP_SHARED)': 'kernel',
  },
  replaces: ['execve', 'execveat'],
};

/** What the control must show for each attack a run tries, filtered as the scenario filters them. */
function expectedControls(options: { readOnlyFs: boolean; x86_64: boolean; absent: readonly string[] }): Record<string, Control> {
  const all = { ...ATTACKS.always, ...(options.x86_64 ? ATTACKS.x86_64 : {}), ...(options.readOnlyFs ? ATTACKS.readOnlyFs : {}) };
  return Object.fromEntries(Object.entries(all).filter(([name]) => !options.absent.includes(name)));
}

/** The attacks whose syscall the arch does not have (aarch64: fork, open, creat, …), by name. */
function attacksAbsentOn(arch: ArchName): string[] {
  const known = new Set<string>(syscallNames(arch));
  return attacks(PLACEHOLDER_PATHS, PLACEHOLDER_TARGETS).filter((x) => x.syscall !== undefined && !known.has(x.syscall)).map((x) => x.name);
}

/** The names of the attacks a run tries. */
function expectedAttacks(options: { readOnlyFs: boolean; x86_64: boolean; absent: readonly string[]; lock: boolean }): string[] {
  return [...Object.keys(expectedControls(options)), ...(options.lock ? ATTACKS.replaces : [])].sort();
}

/** The runtime-API attacks a run tries (lockdown-scenarios.ts, runtimeAttacks), by name. */
function expectedApis(runtime: SuiteAdapter['runtime'], readOnlyFs: boolean): string[] {
  const spawns = { node: [], bun: ['Bun.spawnSync', 'Bun.spawn'], deno: ['Deno.Command.outputSync', 'Deno.Command.spawn'] }[runtime];
  const writes = { node: [], bun: ['Bun.write(new file)'], deno: ['Deno.writeTextFile(new file)'] }[runtime];
  const files = ['fs.writeFileSync(new file)', 'fs.promises.writeFile(new file)', 'fs.mkdirSync', 'fs.appendFileSync(existing)', ...writes];
  return ['child_process.execSync', 'child_process.spawn', 'child_process.exec', ...spawns, ...(readOnlyFs ? files : [])].sort();
}

/**
 * What the kernel answers for a stack of filters (kernel/seccomp.c, seccomp_run_filters): it
 * runs them from the last installed to the first and keeps an action only if it is strictly
 * more severe (lower, as a signed action value), so on a tie the last installed wins.
 */
function stacked(programs: readonly Uint8Array[], arch: ArchName, syscall: string | number, args: (number | bigint)[] = []): string {
  let best: Action | undefined;
  const rank = (a: Action) => (encodeAction(a) & 0xffff0000) | 0;
  for (const p of [...programs].reverse()) {
    const action = emulate(p, { arch, syscall, args }).action;
    if (best === undefined || rank(action) < rank(best)) best = action;
  }
  return formatAction(best!);
}

/**
 * The socket forms lockdown allows, written out by hand (docs/lockdown.md's table), to judge
 * the compiled filters with: domain → type → protocols (undefined: any the kernel takes).
 */
const ALLOWED_SOCKETS: Record<number, Record<number, number[] | undefined>> = {
  1: { 1: undefined, 2: undefined, 5: undefined },
  2: { 1: [0, 6], 2: [0, 17] },
  10: { 1: [0, 6], 2: [0, 17] },
  16: { 2: [0], 3: [0] },
};

function describe(o: ChildOutcome): string {
  return `code=${o.code} signal=${o.signal} hung=${o.hung}\nstdout:\n${o.stdout.slice(0, 6000)}\nstderr:\n${o.stderr.slice(0, 3000)}`;
}

function resultOf(o: ChildOutcome): any {
  assert.equal(o.error, undefined, `child failed: ${JSON.stringify(o.error)}\n${describe(o)}`);
  assert.equal(o.code, 0, describe(o));
  return o.result;
}

/** Every thread filtered, by both programs, and the process still does its work. */
function assertStillServing(runtime: string, normal: any): void {
  assert.equal(normal.http, `hello from ${runtime}`, 'the server still answers');
  assert.equal(normal.httpAgain, `hello from ${runtime}`);
  assert.equal(normal.readSync, true);
  assert.equal(normal.readAsync, true, 'thread-pool reads work');
  assert.equal(normal.writePreopened, 'ran', 'a file opened before lockdown stays writable');
  assert.equal(normal.thread, 'ran', 'new threads start (clone3 → ENOSYS → clone with CLONE_THREAD)');
  assert.equal(normal.inetSocket.errno, 0, 'TCP sockets are allowed');
  assert.equal(normal.netlinkSocket.errno, 0, 'netlink sockets (getaddrinfo, getifaddrs) are allowed');
  assert.deepEqual(normal.unknownSyscall, { ret: -1, errno: ENOSYS });
  for (const [name, res] of Object.entries<any>(normal.sockets)) assert.deepEqual({ name, errno: res.errno }, { name, errno: 0 }, 'an allowed socket form');
  for (const [name, res] of Object.entries<any>(normal.self)) assert.deepEqual({ name, ...res }, { name, ret: 0, errno: 0 }, 'what a process does to itself');
}

/** Stand-ins for listing the attacks by name and kind (nothing is run with them). */
const PLACEHOLDER_PATHS = { newFile: '/x', existing: '/x', unlinkVictim: '/x', renameVictim: '/x' };
const PLACEHOLDER_TARGETS = { ppid: 1, parentPriority: 20, parentAffinity: new Uint8Array(8), readOnlyFd: 3, fileFlags: new Uint8Array(8), fileAttr: new Uint8Array(28) };

function attacksNeedingRoot(): string[] {
  return attacks(PLACEHOLDER_PATHS, PLACEHOLDER_TARGETS).filter((x) => x.root).map((x) => x.name);
}

export function defineLockdownSuite(a: SuiteAdapter): void {
  const priv = privileges();
  const root = priv.privileged;
  const unprivileged = priv.privileged ? '' : priv.why;
  if (!root) a.skip?.(`[${a.runtime}] lockdown: control of attacks the kernel refuses without privileges (${attacksNeedingRoot().join('; ')})`, unprivileged);
  const t = (name: string, fn: () => Promise<void>) => a.test(`[${a.runtime}] lockdown: ${name}`, fn);
  const run = (scenario: string, params: unknown = {}, opts?: Parameters<typeof runChild>[3]) => runChild(a.command, scenario, params, opts);
  const x86_64 = a.arch === 'x86_64';
  const absent = attacksAbsentOn(a.arch as ArchName);
  const helperParams = async () => ({ helper: await buildAttackHelper(), packageUrl: a.command.packageUrl, x86_64, absent });

  /** A lockdownAttacks run under lockdown: every attack refused, every thread filtered, still serving. */
  const assertLocked = (r: any, readOnlyFs: boolean) => {
    assert.equal(r.result.filters, 2);
    assert.equal(r.result.readOnlyFs, readOnlyFs);
    assert.ok(r.result.syscalls.denied > 100 && r.result.syscalls.allowed > 100, JSON.stringify(r.result.syscalls));
    for (const [name, res] of Object.entries<any>(r.raw)) {
      assert.deepEqual({ name, ret: res.ret, errno: res.errno }, { name, ret: -1, errno: ERRNO[res.blocked] });
    }
    assert.deepEqual(Object.keys(r.raw).sort(), expectedAttacks({ readOnlyFs, x86_64, absent, lock: true }), 'every attack ran');
    assertApisRefused(r.apis, readOnlyFs);
    assertStillServing(a.runtime, r.normal);
    for (const th of r.normal.status.threads) {
      assert.equal(th.seccomp, 2, `thread ${th.name}`);
      if (th.filters !== undefined) assert.ok(th.filters >= 2, `thread ${th.name} carries both filters`);
    }
    assert.equal(r.result.threads > 1, true);
  };
  /** Every program the runtime's own APIs tried to start did not run, refused with EPERM. */
  const assertApisRefused = (apis: Record<string, any>, readOnlyFs: boolean) => {
    assert.deepEqual(Object.keys(apis).sort(), expectedApis(a.runtime, readOnlyFs), 'every runtime-API attack ran');
    for (const [name, res] of Object.entries<any>(apis)) {
      assert.equal(res.ran, false, `${name}: the program ran`);
      // Deno's node:child_process drops the spawn error's code (Deno 2.9: "Command failed"
      // with no code or status); that the program never ran is what shows the block there.
      if (a.runtime === 'deno' && name.startsWith('child_process.')) assert.notEqual(res.outcome, 'ran', name);
      else assert.equal(res.outcome, 'EPERM', `${name} through the runtime's API`);
    }
  };

  for (const readOnlyFs of [false, true]) {
    t(`every denied capability is refused and the process keeps serving${readOnlyFs ? ' (readOnlyFs)' : ''}`, async () => {
      assertLocked(resultOf(await run('lockdownAttacks', { ...(await helperParams()), lock: true, readOnlyFs })), readOnlyFs);
    });
  }

  t('control: without lockdown every attack reaches the kernel (no EPERM), most succeed, and the runtime APIs run programs', async () => {
    const r = resultOf(await run('lockdownAttacks', { ...(await helperParams()), lock: false, readOnlyFs: true }));
    assert.equal(r.result, undefined);
    const controls = expectedControls({ readOnlyFs: true, x86_64, absent });
    assert.deepEqual(Object.keys(r.raw).sort(), expectedAttacks({ readOnlyFs: true, x86_64, absent, lock: false }), 'every attack ran');
    const rootOnly = new Set(attacksNeedingRoot());
    let checked = 0;
    for (const [name, res] of Object.entries<any>(r.raw)) {
      const control = controls[name]!;
      assert.equal(control === 'kernel', res.kernel === true, `${name}: attacks.ts and this table agree on whether the kernel refuses it`);
      if (control === 'kernel') assert.deepEqual({ name, ret: res.ret, errno: res.errno }, { name, ret: -1, errno: ERRNO[res.blocked] }, 'the kernel refuses it on a read-only descriptor');
      else if (!root && rootOnly.has(name)) continue; // a named skip: the kernel refuses it to this user
      else if (control === 'works') assert.ok(res.ret >= 0, `${name} works without lockdown: ${JSON.stringify(res)}`);
      else assert.ok(res.errno !== EPERM && res.errno !== 13, `${name} must not be refused by the kernel itself: ${JSON.stringify(res)}`);
      checked++;
    }
    const skipped = root ? 0 : Object.keys(controls).filter((n) => rootOnly.has(n) && controls[n] !== 'kernel').length;
    assert.equal(checked + skipped, Object.keys(controls).length, 'every attack was judged');
    assert.deepEqual(Object.keys(r.apis).sort(), expectedApis(a.runtime, true), 'every runtime-API attack ran');
    for (const [name, res] of Object.entries<any>(r.apis)) assert.deepEqual(res, { outcome: 'ran', ran: true }, `${name} works without lockdown`);
    assertStillServing(a.runtime, r.normal);
    assert.ok(r.normal.status.threads.every((th: { seccomp: number }) => th.seccomp === 0));
  });

  for (const fn of ['attack_execve', 'attack_execveat']) {
    t(`control: ${fn.slice(7)} from the helper really replaces the process`, async () => {
      const o = await run('lockdownHelperCall', { ...(await helperParams()), fn, lock: false });
      assert.match(o.stdout, new RegExp(`ATTACK-${fn.slice(7).toUpperCase()}`), describe(o));
      assert.equal(o.code, 0);
    });
  }

  if (x86_64) {
    const foreign = [
      { fn: 'attack_int80_execve', what: 'i386 execve through int 0x80', control: (o: ChildOutcome) => assert.match(o.stdout, /ATTACK-INT80/, describe(o)) },
      { fn: 'attack_int80_getpid', what: 'i386 getpid through int 0x80', control: (o: ChildOutcome) => assert.ok(o.reports.some((r) => typeof r.returned === 'number' && r.returned > 0), describe(o)) },
      // This kernel may lack the x32 ABI (ENOSYS): the control shows the call returns at all.
      { fn: 'attack_x32_getpid', what: 'an x32 syscall (nr | 0x40000000)', control: (o: ChildOutcome) => assert.ok(o.reports.some((r) => typeof r.returned === 'number'), describe(o)) },
    ];
    for (const f of foreign) {
      t(`${f.what} kills the whole process`, async () => {
        const o = await run('lockdownHelperCall', { ...(await helperParams()), fn: f.fn, lock: true });
        assert.ok(o.reports.some((r) => r.locked === true), describe(o));
        assert.equal(o.signal, 'SIGSYS', `killed, not hung on its other threads\n${describe(o)}`);
        assert.ok(!o.reports.some((r) => 'returned' in r), 'nothing ran after the call');
        assert.doesNotMatch(o.stdout, /ATTACK-INT80/);
      });
      t(`control: ${f.what} works without lockdown`, async () => {
        const o = await run('lockdownHelperCall', { ...(await helperParams()), fn: f.fn, lock: false });
        assert.equal(o.signal, null, describe(o));
        f.control(o);
      });
    }
  }

  t('an io_uring ring opened before makes lockdown refuse with a typed error, installing nothing', async () => {
    const r = resultOf(await run('lockdownWithIoUring'));
    assert.ok(r.ring.ret >= 0, `io_uring_setup worked: ${JSON.stringify(r.ring)}`);
    assert.equal(r.error?.name, 'LockdownRefusedError', JSON.stringify(r.error));
    assert.equal(r.error.reason, 'io-uring');
    assert.equal(r.error.code, 'EBUSY');
    assert.ok(r.error.fds.includes(r.ring.ret), JSON.stringify(r.error));
    assert.ok(r.seccomp.every((s: number) => s === 0), 'no thread was filtered');
  });

  for (const [block, reason] of [['seccomp', 'seccomp-blocked'], ['prctl', 'no-new-privs']] as const) {
    t(`an outer filter blocking ${block} makes lockdown refuse (${reason})`, async () => {
      const r = resultOf(await run('lockdownBlocked', { block }));
      assert.equal(r.error?.name, 'LockdownRefusedError', JSON.stringify(r.error));
      assert.equal(r.error.reason, reason);
      if (a.runtime === 'bun') {
        // JavaScriptCore starts JIT threads on demand, so the list may grow between the two
        // snapshots; a late thread inherits its creator's filters. Each must hold the outer one only.
        const outer = r.before[0];
        assert.ok([...r.before, ...r.after].every((n: number) => n === outer), `no filter was added: ${JSON.stringify(r)}`);
      } else assert.deepEqual(r.after, r.before, 'no filter was added');
    });
  }

  t('layout, emulated: allowed, EPERM, ENOSYS for unknown numbers and clone3, other ABIs killed', async () => {
    const bytes = new Uint8Array(resultOf(await run('lockdownCompile', { options: { readOnlyFs: true } })));
    const { meta, programs } = decodeLockdownBpf(bytes);
    assert.equal(programs.length, 2);
    const [argsProgram, main] = programs as [Uint8Array, Uint8Array];
    const arch = meta.arch as ArchName;
    const verdict = (program: Uint8Array, syscall: string | number, args: (number | bigint)[] = [], on: ArchName = arch) =>
      formatAction(emulate(program, { arch: on, syscall, args }).action);
    assert.equal(verdict(main, 'read'), 'allow');
    assert.equal(verdict(main, 'execve'), 'errno(EPERM)');
    assert.equal(verdict(main, 'clone3'), 'errno(ENOSYS)');
    assert.equal(verdict(main, 'openat2'), 'errno(ENOSYS)');
    // Every number up to well past the highest: known ones get a verdict of their own, the
    // rest the default ENOSYS.
    const enosysOnPurpose = new Set(['clone3', 'openat2']);
    const known = new Map(syscallNames(arch).map((n) => [resolveSyscall(n, arch), n]));
    for (let nr = 0; nr < 1100; nr++) {
      const v = verdict(main, nr);
      const name = known.get(nr);
      if (name === undefined || enosysOnPurpose.has(name)) assert.equal(v, 'errno(ENOSYS)', `${nr} (${name ?? 'unknown'})`);
      else assert.ok(v === 'allow' || v === 'errno(EPERM)', `${name}: ${v}`);
    }
    assert.equal(verdict(main, 1023), 'errno(ENOSYS)');
    if (arch === 'x86_64') {
      assert.equal(verdict(main, 39 | 0x40000000), 'killProcess', 'x32 numbers');
      assert.equal(verdict(main, 'getpid', [], 'x86'), 'killProcess', 'the i386 ABI');
      assert.equal(verdict(argsProgram, 'getpid', [], 'x86'), 'killProcess');
    }
    assert.equal(verdict(argsProgram, 'clone', [0x3d0f00]), 'allow', "glibc's thread flags");
    assert.equal(verdict(argsProgram, 'clone', [0x11]), 'errno(EPERM)', 'fork through clone');
    assert.equal(verdict(argsProgram, 'clone', [0x3d0f00 | 0x20000]), 'errno(EPERM)', 'a thread in a new mount namespace');
    assert.equal(verdict(argsProgram, 'socket', [0x100000011n, 2]), 'errno(EPERM)', 'AF_PACKET in the low word');
    assert.equal(verdict(argsProgram, 'socket', [10, 3 | 0x80800]), 'errno(EPERM)', 'SOCK_RAW with flags');
    assert.equal(verdict(argsProgram, 'socket', [16, 3]), 'allow', 'netlink');
    assert.equal(verdict(argsProgram, 'openat', [-100, 0, 0]), 'allow', 'O_RDONLY');
    assert.equal(verdict(argsProgram, 'openat', [-100, 0, 0o2000000 | 0o200000]), 'allow', 'O_CLOEXEC|O_DIRECTORY');
    for (const flags of [0o1, 0o2, 0o100, 0o1000, 0o2000, 0o20200000]) assert.equal(verdict(argsProgram, 'openat', [-100, 0, flags]), 'errno(EPERM)', `openat flags 0o${flags.toString(8)}`);
    // Both programs as the kernel runs them, with this process's id bound in.
    const pid = 4242;
    const both = [argsProgram, main].map((p) => bindSelfPid(p, pid));
    const v2 = (syscall: string | number, args: (number | bigint)[] = []) => stacked(both, arch, syscall, args);
    assert.equal(v2(1023), 'errno(ENOSYS)', 'unknown numbers: the main filter, installed last, wins the tie of two errnos');
    assert.equal(v2('clone3'), 'errno(ENOSYS)');
    assert.equal(verdict(argsProgram, 'clone3'), 'errno(ENOSYS)', 'also from the argument filter alone, between the two loads: glibc falls back to clone on ENOSYS only');
    assert.equal(v2('execve'), 'errno(EPERM)');
    assert.equal(v2('read'), 'allow');
    assert.equal(v2('seccomp'), 'errno(EPERM)', 'seccomp(2) passes the first filter only to load the second');
    const FLAGS = [0, 0o4000, 0o2000000, 0o4000 | 0o2000000];
    let checked = 0;
    for (let domain = 0; domain < 48; domain++) {
      for (let type = 0; type < 16; type++) {
        for (const protocol of [0, 1, 2, 6, 9, 15, 17, 58, 132, 255]) {
          const allowed = domain in ALLOWED_SOCKETS && type in ALLOWED_SOCKETS[domain]! && (ALLOWED_SOCKETS[domain]![type] === undefined || ALLOWED_SOCKETS[domain]![type]!.includes(protocol));
          const flags = FLAGS[(domain + type + protocol) % FLAGS.length]!;
          assert.equal(v2('socket', [domain, type | flags, protocol]), allowed ? 'allow' : 'errno(EPERM)', `socket(${domain}, ${type}|0x${flags.toString(16)}, ${protocol})`);
          // The kernel reads ints: garbage in the high words must not change the answer.
          assert.equal(v2('socket', [BigInt(domain) | 0xdead00000000n, BigInt(type | flags) | 0x100000000n, BigInt(protocol) | 0x7700000000n]), allowed ? 'allow' : 'errno(EPERM)', `socket(${domain}, ${type}, ${protocol}) with high-word garbage`);
          checked++;
        }
        const pair = domain === 1 && [1, 2, 5].includes(type);
        assert.equal(v2('socketpair', [domain, type, 0]), pair ? 'allow' : 'errno(EPERM)', `socketpair(${domain}, ${type})`);
      }
    }
    assert.equal(checked, 48 * 16 * 10);
    for (const [syscall, self, others] of [
      ['kill', [pid, 15], [[pid + 1, 15], [0, 15], [-1, 0], [0x100000000 + pid + 1, 0]]],
      ['tgkill', [pid, 77, 6], [[pid + 1, pid + 1, 6]]],
      ['tkill', [pid, 6], [[pid + 1, 6]]],
      ['rt_sigqueueinfo', [pid, 10, 0], [[1, 10, 0]]],
      ['rt_tgsigqueueinfo', [pid, 77, 10, 0], [[1, 1, 10, 0]]],
      ['setpriority', [0, 0, 5], [[0, pid + 1, 5], [1, 0, 5], [2, 0, 5]]],
      ['getpriority', [0, pid], [[0, 1], [2, 0]]],
      ['sched_setaffinity', [0, 8, 0], [[pid + 1, 8, 0]]],
      ['prlimit64', [pid, 7, 0, 0], [[1, 7, 0, 0]]],
    ] as [string, number[], number[][]][]) {
      assert.equal(v2(syscall, self), 'allow', `${syscall}(${self.join(', ')}) on itself`);
      for (const args of others) assert.equal(v2(syscall, args), 'errno(EPERM)', `${syscall}(${args.join(', ')}) on another process`);
    }
    assert.equal(v2('setpriority', [0, pid, 5]), 'allow');
    assert.equal(v2('prlimit64', [0, 7, 0, 0]), 'allow');
    // readOnlyFs: file-system ioctls are refused by their type byte, terminal and FIO* ones pass.
    for (const req of [0x40086602, 0x401c5820, 0x40087602, 0x40049409, 0xc0185879]) assert.equal(v2('ioctl', [3, req]), 'errno(EPERM)', `ioctl 0x${req.toString(16)}`);
    for (const req of [0x5401, 0x5413, 0x5421, 0x541b, 0x5451, 0x8912]) assert.equal(v2('ioctl', [3, req]), 'allow', `ioctl 0x${req.toString(16)}`);
    for (const n of ['fchmod', 'fchown', 'fsetxattr', 'fremovexattr']) assert.equal(v2(n, [3, 0]), 'errno(EPERM)', n);
  });

  t('layout with action killProcess: unknown numbers still get ENOSYS, argument checks EPERM', async () => {
    const { programs } = decodeLockdownBpf(new Uint8Array(resultOf(await run('lockdownCompile', { options: { action: 'killProcess' } }))));
    const arch = a.arch as ArchName;
    const both = programs.map((p) => bindSelfPid(p, 4242));
    assert.equal(stacked(both, arch, 1023), 'errno(ENOSYS)');
    assert.equal(stacked(both, arch, 'execve'), 'killProcess');
    assert.equal(stacked(both, arch, 'io_uring_setup'), 'errno(EPERM)');
    assert.equal(stacked(both, arch, 'socket', [40, 1, 0]), 'errno(EPERM)');
    assert.equal(stacked(both, arch, 'kill', [1, 9]), 'errno(EPERM)');
  });

  t('cold start: lockdown({ bpf }) loads a precompiled set without libseccomp', async () => {
    const bpf = resultOf(await run('lockdownCompile', {}));
    const o = await run('lockdownFromBpf', { bpf }, { env: { SECCOMP_LIBRARY_PATH: '/nonexistent/libseccomp.so.2' } });
    const r = resultOf(o);
    assert.equal(r.library, 'SeccompUnavailableError', 'libseccomp could not be opened');
    assert.equal(r.result.via, 'bpf');
    assert.equal(r.result.preset, a.runtime);
    assert.equal(r.result.bpfBytes, r.result.instructions * 8);
    assert.ok(r.result.bpfBytes < bpf.length, 'the programs, without the container header');
    assert.deepEqual(r.ptrace, { ret: -1, errno: EPERM });
    assert.equal(r.http, `hello from ${a.runtime}`);
    assert.equal(r.allFiltered, true);
  });

  t("without libseccomp: lockdown() builds with the SDK's compiler; via: 'libseccomp' fails and installs nothing", async () => {
    const o = await run('lockdownNoLibrary', {}, { env: { SECCOMP_LIBRARY_PATH: '/nonexistent/libseccomp.so.2' } });
    const r = resultOf(o);
    assert.equal(r.library, 'SeccompUnavailableError', 'libseccomp could not be opened');
    assert.equal(r.viaLibseccomp, 'SeccompUnavailableError');
    assert.equal(r.filteredBefore, false, 'the failed libseccomp attempt installed nothing');
    assert.equal(r.result.via, 'typescript');
    assert.equal(r.result.preset, a.runtime);
    assert.deepEqual(r.ptrace, { ret: -1, errno: EPERM });
    assert.equal(r.http, `hello from ${a.runtime}`);
    assert.equal(r.allFiltered, true);
  });

  if (!root) a.skip?.(`[${a.runtime}] lockdown: dryRun lets a packet socket through`, unprivileged);
  // What dryRun is for: each call lockdown would refuse runs, and is logged (SECCOMP_RET_LOG);
  // only the kernel log shows the logging.
  const dryRunLog = kernelLogReadable();
  if (!dryRunLog.ok) a.skip?.(`[${a.runtime}] lockdown: dryRun: the kernel log shows each call it let through`, dryRunLog.why);
  t('dryRun installs logging filters that refuse nothing', async () => {
    const nr = (name: string) => resolveSyscall(name, a.arch as ArchName);
    const child = async () => resultOf(await run('lockdownDryRun'));
    const { result: r, records, markerSeen } = dryRunLog.ok ? await loggedChild(child, nr('ptrace')) : { result: await child(), records: [], markerSeen: false };
    assert.equal(r.result.dryRun, true);
    assert.equal(r.allFiltered, true);
    assert.equal(r.personality.errno, 0);
    assert.ok(r.unixRaw.ret >= 0, `an argument-checked socket form lockdown refuses, open to any user: ${JSON.stringify(r.unixRaw)}`);
    if (root) assert.ok(r.packet.ret >= 0, JSON.stringify(r.packet));
    assert.notEqual(r.ptrace.errno, EPERM, `ptrace ran: ${JSON.stringify(r.ptrace)}`);
    if (!dryRunLog.ok) return; // the named skip above
    assert.ok(markerSeen, `the marker (ptrace, the child's last call) reached the log:\n${records.join('\n')}`);
    const logged = (name: string) => records.filter((l) => isRecordOf(nr(name))(l) && / code=0x7ffc0000\b/.test(l)).length;
    // personality and ptrace, denied outright, and the two socket forms the argument filter
    // refuses (AF_PACKET, AF_UNIX SOCK_RAW): one record each. The filters run before the
    // kernel checks capabilities, so the packet socket is logged for any user.
    const counts = { personality: logged('personality'), socket: logged('socket'), ptrace: logged('ptrace') };
    assert.deepEqual(counts, { personality: 1, socket: 2, ptrace: 1 }, `records with the log action (code=0x7ffc0000):\n${records.join('\n')}`);
  });

  t('action killProcess: a denied call kills the process, io_uring still gets EPERM', async () => {
    const o = await run('lockdownKill');
    assert.deepEqual(o.reports.find((r) => r.ioUring)?.ioUring, { ret: -1, errno: EPERM }, describe(o));
    assert.equal(o.signal, 'SIGSYS', describe(o));
    assert.ok(!o.reports.some((r) => r.survived));
  });

  for (const lock of [true, false]) {
    t(`${lock ? '' : 'control: '}a SIGTERM handler that re-raises to its own process ends it by the signal (signal-exit)`, async () => {
      const o = await run('lockdownSignalSelf', { lock }, { onReport: (r, pid) => { if (r.ready) process.kill(pid, 'SIGTERM'); } });
      assert.ok(o.reports.some((r) => r.ready), describe(o));
      assert.deepEqual(o.reports.filter((r) => 'reraise' in r), [], 'the re-raise was not refused');
      assert.equal(o.signal, 'SIGTERM', describe(o));
    });
  }

  const kmsg = kernelLogReadable();
  for (const logDenials of [true, false]) {
    const name = `logDenials ${logDenials ? 'on: a refused call leaves a record in the kernel log' : 'off (control): a refused errno call leaves none'}`;
    if (!kmsg.ok) {
      a.skip?.(`[${a.runtime}] lockdown: ${name}`, kmsg.why);
      continue;
    }
    t(name, async () => {
      const arch = a.arch as ArchName;
      const { result: r, records: mine, markerSeen } = await loggedChild(async () => resultOf(await run('lockdownLogged', { logDenials })), resolveSyscall('getuid', arch));
      assert.equal(r.logDenials, logDenials);
      assert.deepEqual(r.ptrace, { ret: -1, errno: EPERM });
      assert.ok(markerSeen, `the marker (getuid, logged by a filter of its own) reached the log:\n${mine.join('\n')}`);
      const refused = mine.filter(isRecordOf(resolveSyscall('ptrace', arch)));
      if (logDenials) assert.equal(refused.length, 1, `one record for the refused ptrace:\n${mine.join('\n')}`);
      else assert.deepEqual(refused, [], 'the refused ptrace is not logged without logDenials');
    });
  }

  // The lean entry (@seccomp/<runtime>/lockdown) sits beside the main one: …/index.js → …/lockdown.js
  // (…/index.ts → …/lockdown.ts for Deno's source). Its children import it instead of the main entry.
  const lean = { ...a.command, packageUrl: a.command.packageUrl.replace(/\/index\.(js|ts)$/, '/lockdown.$1') };
  const runLean = (scenario: string, params: unknown = {}) => runChild(lean, scenario, params);

  t('lean entry: lockdown() through it refuses every denied capability and the process keeps serving (readOnlyFs)', async () => {
    assert.notEqual(lean.packageUrl, a.command.packageUrl);
    assertLocked(resultOf(await run('lockdownAttacks', { ...(await helperParams()), lock: true, readOnlyFs: true, lean: lean.packageUrl })), true);
  });

  t('lean entry: imported alone it locks down, and the main entry imported later shares its classes', async () => {
    const r = resultOf(await runLean('lockdownLean', { main: a.command.packageUrl, readOnlyFs: false }));
    assert.equal(r.result.via, 'typescript');
    assert.equal(r.result.preset, a.runtime);
    assert.equal(r.result.filters, 2);
    assert.ok(r.result.threads > 1 && r.threads >= r.result.threads, JSON.stringify(r));
    assert.equal(r.allFiltered, true);
    assert.equal(r.http, `hello from ${a.runtime}`);
    assertApisRefused(r.apis, false);
    assert.deepEqual(r.again, { name: 'LockdownRefusedError', reason: 'seccomp-blocked', main: true, lean: true }, 'a second lockdown() is refused; its error is both entries’ class');
    assert.equal(r.sameClasses, true, 'one copy of each error class');
  });

  t('lean entry: compileLockdown() makes the bytes the main entry makes (precompiled, compiled now, libseccomp), and lockdown({ bpf }) loads them', async () => {
    let bpf: number[] | undefined;
    for (const options of [{ readOnlyFs: true }, { deny: ['getppid'], action: 'killProcess' }, { via: 'libseccomp' }]) {
      const fromLean = resultOf(await runLean('lockdownCompile', { options }));
      assert.deepEqual(fromLean, resultOf(await run('lockdownCompile', { options })), JSON.stringify(options));
      bpf ??= fromLean;
    }
    const r = resultOf(await runLean('lockdownLean', { main: a.command.packageUrl, readOnlyFs: true, bpf }));
    assert.equal(r.result.via, 'bpf');
    assert.equal(r.result.readOnlyFs, true);
    assert.equal(r.allFiltered, true);
    assert.equal(r.http, `hello from ${a.runtime}`);
    assertApisRefused(r.apis, true);
  });

  t('lean entry: what it imports reaches neither main entry, and less of core', async () => {
    const leanGraph = moduleGraph(lean.packageUrl);
    const mainGraph = moduleGraph(a.command.packageUrl);
    const mains = [...mainGraph.files.keys()].filter((f) => /\/index\.(js|ts)$/.test(f));
    assert.equal(mains.length, 2, `the main graph has both main entries: ${[...mainGraph.files.keys()].join(', ')}`);
    for (const f of mains) assert.ok(!leanGraph.files.has(f), `the lean entry reaches ${f}`);
    assert.deepEqual(leanGraph.bare.filter((s) => s.startsWith('@seccomp/')), ['@seccomp/core/lockdown']);
    assert.ok(leanGraph.coreBytes > 0 && leanGraph.coreBytes < 0.9 * mainGraph.coreBytes, `core: ${leanGraph.coreBytes} bytes through the lean entry, ${mainGraph.coreBytes} through the main one`);
  });

  t('argument mistakes are errors before anything is loaded', async () => {
    const r = resultOf(await run('lockdownArgumentErrors'));
    assert.equal(r.errors.allowExecve.name, 'RangeError');
    assert.equal(r.errors.killThread.name, 'RangeError');
    assert.equal(r.errors.bpfWithPreset.name, 'TypeError');
    assert.equal(r.errors.notABpf.name, 'InvalidBpfError');
    assert.ok(r.seccomp.every((s: number) => s === 0));
  });
}
