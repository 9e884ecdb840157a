/**
 * The denied capabilities, each tried the way an attacker in a handler would: raw syscalls
 * through libc's syscall() (rawSyscall), or the C helper where machine code or a process
 * that must not return into the runtime is needed. Arguments are chosen so that, WITHOUT
 * lockdown, each call reaches the kernel and gets an answer other than EPERM (ENOENT,
 * EINVAL, a new fd, …) with no lasting effect: the control run proves the EPERM comes from
 * the filter. Nothing here is destructive even as root (reboot has a wrong magic number,
 * mount a missing target, kexec a bad arch).
 */
import type { ScenarioApi } from '../scenarios.js';
import type { Helper } from './ffi.js';

export interface AttackResult {
  ret: number;
  errno: number;
}

export interface Attack {
  name: string;
  /**
   * What lockdown answers: EPERM, or ENOSYS where libc must fall back (clone3, openat2). With
   * `kernel`, the errno the kernel itself gives, with or without lockdown.
   */
  blocked: 'EPERM' | 'ENOSYS' | 'EBADF' | 'EINVAL' | 'EACCES';
  /**
   * Refused by the kernel itself (a read-only descriptor cannot be written through): the
   * control expects the same errno. These show readOnlyFs leaves no way around it.
   */
  kernel?: true;
  /**
   * Without lockdown the kernel refuses it to an unprivileged process (EPERM or EACCES for a
   * missing capability), so only a control run as root shows it reaches the kernel.
   */
  root?: true;
  /** Only with readOnlyFs. */
  readOnlyFs?: true;
  /** Replaces the process when it succeeds: only tried under lockdown (controls run alone). */
  replaces?: true;
  /** Returns a new file descriptor when it succeeds (the control closes it). */
  fd?: true;
  x86_64?: true;
  /**
   * The syscall it makes, where one name says it. An arch whose table lacks it skips the attack
   * (aarch64 never had fork, open, creat, mkdir, unlink or rename: only their *at forms and
   * clone, which are tried everywhere).
   */
  syscall?: string;
  run(api: ScenarioApi, h: Helper): AttackResult;
}

const cstr = (text: string) => new TextEncoder().encode(`${text}\0`);
const fromHelper = (rc: number): AttackResult => (rc < 0 ? { ret: -1, errno: -rc } : { ret: rc, errno: 0 });

const O_WRONLY = 0o1;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;
const O_APPEND = 0o2000;
const SOCK_NONBLOCK_CLOEXEC = 0o4000 | 0o2000000;

/** Files in a fresh directory: `existing` and the two victims exist, `newFile` does not. */
export interface AttackPaths {
  newFile: string;
  existing: string;
  unlinkVictim: string;
  renameVictim: string;
}

/**
 * What the attacks on other processes and on read-only descriptors need, taken before
 * lockdown: another process (the test runner, this child's parent) with its current nice
 * value and CPU mask, so that in the control each call reaches the kernel and changes nothing.
 */
export interface AttackTargets {
  ppid: number;
  /** getpriority(PRIO_PROCESS, ppid) as the raw syscall returns it (20 − nice). */
  parentPriority: number;
  /** sched_getaffinity(ppid) bytes. */
  parentAffinity: Uint8Array;
  /** `existing`, opened O_RDONLY. */
  readOnlyFd: number;
  /** Its FS_IOC_GETFLAGS and FS_IOC_FSGETXATTR answers, so setting them back changes nothing. */
  fileFlags: Uint8Array;
  fileAttr: Uint8Array;
}

const AF = { INET: 2, INET6: 10, UNIX: 1, NETLINK: 16, KEY: 15, BLUETOOTH: 31, ALG: 38, VSOCK: 40, TIPC: 30, XDP: 44 };
const SOCK = { STREAM: 1, DGRAM: 2, RAW: 3, SEQPACKET: 5, PACKET: 10 };
const ETH_P_ALL_BE = 0x0300;
export const FS_IOC_GETFLAGS = 0x80086601;
const FS_IOC_SETFLAGS = 0x40086602;
export const FS_IOC_FSGETXATTR = 0x801c581f;
const FS_IOC_FSSETXATTR = 0x401c5820;
const XATTR_REPLACE = 2;
const AT_EMPTY_PATH = 0x1000;
const RLIMIT_NOFILE = 7;

/** Sockets outside lockdown's table (sockets.ts); each would reach the kernel without lockdown. */
function socketAttacks(raw: (name: string, syscall: string, ...args: (number | bigint | Uint8Array | null)[]) => Attack): Attack[] {
  const fd = (a: Attack): Attack => ({ ...a, fd: true });
  const root = (a: Attack): Attack => ({ ...a, root: true });
  return [
    // The obsolete form the kernel turns into a packet socket (SO_DOMAIN reads AF_PACKET).
    root(fd(raw('socket(AF_INET, SOCK_PACKET, ETH_P_ALL)', 'socket', AF.INET, SOCK.PACKET, ETH_P_ALL_BE))),
    fd(raw('socket(AF_INET6, SOCK_PACKET)', 'socket', AF.INET6, SOCK.PACKET, ETH_P_ALL_BE)),
    fd(raw('socket(AF_UNIX, SOCK_PACKET|SOCK_CLOEXEC)', 'socket', AF.UNIX, SOCK.PACKET | 0o2000000, 0)),
    fd(raw('socket(AF_VSOCK, SOCK_STREAM)', 'socket', AF.VSOCK, SOCK.STREAM, 0)),
    fd(raw('socket(AF_VSOCK) with garbage in the high word', 'socket', 0x100000000n | BigInt(AF.VSOCK), SOCK.STREAM, 0)),
    fd(raw('socket(AF_ALG, SOCK_SEQPACKET)', 'socket', AF.ALG, SOCK.SEQPACKET, 0)),
    root(fd(raw('socket(AF_KEY, SOCK_RAW)', 'socket', AF.KEY, SOCK.RAW, 2))),
    fd(raw('socket(AF_BLUETOOTH, SOCK_STREAM)', 'socket', AF.BLUETOOTH, SOCK.STREAM, 0)),
    root(fd(raw('socket(AF_XDP, SOCK_RAW)', 'socket', AF.XDP, SOCK.RAW, 0))),
    fd(raw('socket(AF_TIPC, SOCK_RDM)', 'socket', AF.TIPC, 4, 0)),
    fd(raw('socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE)', 'socket', AF.INET, SOCK.DGRAM, 136)),
    fd(raw('socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)', 'socket', AF.INET, SOCK.STREAM, 132)),
    fd(raw('socket(AF_INET, SOCK_SEQPACKET)', 'socket', AF.INET, SOCK.SEQPACKET, 0)),
    fd(raw('socket(AF_UNIX, SOCK_RAW)', 'socket', AF.UNIX, SOCK.RAW, 0)),
    fd(raw('socket(AF_NETLINK, SOCK_RAW, NETLINK_KOBJECT_UEVENT)', 'socket', AF.NETLINK, SOCK.RAW, 15)),
    raw('socketpair(AF_TIPC, SOCK_SEQPACKET)', 'socketpair', AF.TIPC, SOCK.SEQPACKET, 0, new Uint8Array(8)),
    raw('socketpair(AF_UNIX, SOCK_PACKET)', 'socketpair', AF.UNIX, SOCK.PACKET, 0, new Uint8Array(8)),
  ];
}

/** Signals, priority, affinity and limits of another process: allowed for the process itself only. */
function otherProcessAttacks(raw: (name: string, syscall: string, ...args: (number | bigint | Uint8Array | null)[]) => Attack, t: AttackTargets): Attack[] {
  const siginfo = new Uint8Array(128);
  new DataView(siginfo.buffer).setInt32(8, -1, true); // si_code SI_QUEUE: the kernel lets a process queue it to another
  return [
    raw('kill(parent, 0)', 'kill', t.ppid, 0),
    raw('kill(0, 0): the process group', 'kill', 0, 0),
    raw('kill(-1, 0): every process', 'kill', -1, 0),
    raw('tgkill(parent, parent, 0)', 'tgkill', t.ppid, t.ppid, 0),
    raw('tkill(parent, 0)', 'tkill', t.ppid, 0),
    raw('rt_sigqueueinfo(parent, 0)', 'rt_sigqueueinfo', t.ppid, 0, siginfo),
    raw('rt_tgsigqueueinfo(parent, parent, 0)', 'rt_tgsigqueueinfo', t.ppid, t.ppid, 0, siginfo),
    raw('getpriority(PRIO_PROCESS, parent)', 'getpriority', 0, t.ppid),
    raw('getpriority(PRIO_USER, 0)', 'getpriority', 2, 0),
    raw('setpriority(PRIO_PROCESS, parent, its own nice)', 'setpriority', 0, t.ppid, 20 - t.parentPriority),
    raw('sched_setaffinity(parent, its own mask)', 'sched_setaffinity', t.ppid, t.parentAffinity.length, t.parentAffinity),
    raw('prlimit64(parent, RLIMIT_NOFILE, read only)', 'prlimit64', t.ppid, RLIMIT_NOFILE, null, new Uint8Array(16)),
  ];
}

/**
 * Metadata changes through a descriptor opened read-only (readOnlyFs refuses them), and the
 * writes the kernel itself refuses on such a descriptor (readOnlyFs leaves them to it).
 */
function readOnlyFdAttacks(raw: (name: string, syscall: string, ...args: (number | bigint | Uint8Array | null)[]) => Attack, t: AttackTargets, newFile: string): Attack[] {
  const fd = t.readOnlyFd;
  const ro = (a: Attack): Attack => ({ ...a, readOnlyFs: true });
  const kernel = (blocked: Attack['blocked'], a: Attack): Attack => ({ ...a, blocked, kernel: true, readOnlyFs: true });
  const PROT_READ_WRITE = 3;
  const MAP_SHARED = 1;
  return [
    ro(raw('fchmod(read-only fd, 04777)', 'fchmod', fd, 0o4777)),
    ro(raw('fchown(read-only fd, -1, -1)', 'fchown', fd, -1, -1)),
    ro(raw('fsetxattr(read-only fd, XATTR_REPLACE)', 'fsetxattr', fd, cstr('user.seccomp-test'), cstr('x'), 1, XATTR_REPLACE)),
    ro(raw('fremovexattr(read-only fd)', 'fremovexattr', fd, cstr('user.seccomp-test'))),
    ro(raw('ioctl(read-only fd, FS_IOC_SETFLAGS, its flags)', 'ioctl', fd, FS_IOC_SETFLAGS, t.fileFlags)),
    ro(raw('ioctl(read-only fd, FS_IOC_FSSETXATTR, its attributes)', 'ioctl', fd, FS_IOC_FSSETXATTR, t.fileAttr)),
    ro(raw('utimensat(read-only fd, NULL)', 'utimensat', fd, null, null, 0)),
    ro(raw('linkat(read-only fd, "", AT_EMPTY_PATH)', 'linkat', fd, cstr(''), -100, cstr(`${newFile}.link`), AT_EMPTY_PATH)),
    kernel('EINVAL', raw('ftruncate(read-only fd)', 'ftruncate', fd, 0)),
    kernel('EBADF', raw('fallocate(read-only fd)', 'fallocate', fd, 0, 0, 4096)),
    kernel('EBADF', raw('write(read-only fd)', 'write', fd, new Uint8Array(1), 1)),
    kernel('EBADF', raw('copy_file_range(into a read-only fd)', 'copy_file_range', fd, null, fd, null, 1, 0)),
    kernel('EACCES', raw('mmap(read-only fd, PROT_WRITE, MAP_SHARED)', 'mmap', null, 4096, PROT_READ_WRITE, MAP_SHARED, fd, 0)),
  ];
}

export function attacks({ newFile, existing, unlinkVictim, renameVictim }: AttackPaths, targets: AttackTargets): Attack[] {
  const raw = (name: string, syscall: string, ...args: (number | bigint | Uint8Array | null)[]): Attack => ({
    name, blocked: 'EPERM', syscall, run: (api) => api.rawSyscall(syscall, ...args),
  });
  const helper = (name: string, fn: keyof Helper, extra: Partial<Attack> = {}): Attack => ({
    name, blocked: 'EPERM', ...extra, run: (_api, h) => fromHelper(h[fn]()),
  });
  const ro = (a: Attack): Attack => ({ ...a, readOnlyFs: true });
  const fd = (a: Attack): Attack => ({ ...a, fd: true });
  const root = (a: Attack): Attack => ({ ...a, root: true });
  return [
    helper('execve', 'attack_execve', { replaces: true }),
    helper('execveat', 'attack_execveat', { replaces: true }),
    helper('fork', 'attack_fork', { syscall: 'fork' }),
    helper('vfork', 'attack_vfork', { x86_64: true }),
    helper('clone (a process: no CLONE_THREAD)', 'attack_clone_process'),
    helper('clone3', 'attack_clone3_process', { blocked: 'ENOSYS' }),
    // Without CLONE_SIGHAND the kernel refuses it (EINVAL), so the control never makes a thread
    // on this stack; lockdown refuses it first, for CLONE_NEWNET.
    raw('clone (CLONE_THREAD in a new network namespace)', 'clone', 0x00010000 | 0x40000000, 0, 0, 0, 0),
    raw('ptrace(PTRACE_ATTACH)', 'ptrace', 16, 0x3fffffff),
    // Aimed at another process (the parent), whose memory is what an attacker wants.
    { name: 'process_vm_readv', blocked: 'EPERM', run: (api) => api.rawSyscall('process_vm_readv', targets.ppid, null, 0, null, 0, 0) },
    { name: 'process_vm_writev', blocked: 'EPERM', run: (api) => api.rawSyscall('process_vm_writev', targets.ppid, null, 0, null, 0, 0) },
    raw('mount', 'mount', cstr('none'), cstr('/nonexistent-seccomp-target'), cstr('tmpfs'), 0, null),
    raw('umount2', 'umount2', cstr('/nonexistent-seccomp-target'), 0),
    root(raw('pivot_root', 'pivot_root', cstr('/nonexistent-a'), cstr('/nonexistent-b'))),
    raw('chroot', 'chroot', cstr('/nonexistent-seccomp-root')),
    raw('unshare', 'unshare', 0),
    raw('setns', 'setns', -1, 0),
    raw('bpf', 'bpf', 0, null, 0),
    raw('perf_event_open', 'perf_event_open', null, 0, -1, -1, 0),
    raw('userfaultfd', 'userfaultfd', 0x7fffffff),
    raw('keyctl', 'keyctl', 0xffff),
    raw('add_key', 'add_key', null, null, null, 0, 0),
    raw('request_key', 'request_key', null, null, null, 0),
    raw('init_module', 'init_module', null, 0, cstr('')),
    raw('finit_module', 'finit_module', -1, cstr(''), 0),
    raw('delete_module', 'delete_module', cstr('seccomp_no_such_module'), 0x800),
    raw('kexec_load', 'kexec_load', 0, 0, null, 0x00ff0000),
    raw('kexec_file_load', 'kexec_file_load', -1, -1, 0, null, 0),
    fd(raw('io_uring_setup', 'io_uring_setup', 1, new Uint8Array(120))),
    raw('personality', 'personality', 0xffffffff),
    root(raw('reboot (wrong magic)', 'reboot', 0, 0, 0, null)),
    root(raw('swapon', 'swapon', cstr('/nonexistent-swap'), 0)),
    root(raw('swapoff', 'swapoff', cstr('/nonexistent-swap'))),
    root(raw('setuid', 'setuid', 0)),
    root(raw('setgid', 'setgid', 0)),
    raw('setresuid', 'setresuid', -1, -1, -1),
    root(fd(raw('socket(AF_PACKET, SOCK_RAW)', 'socket', 17, 3, 0))),
    // The kernel reads the domain as an int: 0x1_00000011 is AF_PACKET to it.
    root(fd(raw('socket(AF_PACKET) with garbage in the high word', 'socket', 0x100000011n, 2, 0))),
    root(fd(raw('socket(AF_INET, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, ICMP)', 'socket', 2, 3 | SOCK_NONBLOCK_CLOEXEC, 1))),
    root(fd(raw('socket(AF_INET6, SOCK_RAW)', 'socket', 10, 3, 58))),
    raw('open_by_handle_at', 'open_by_handle_at', -1, null, 0),
    ro(fd(raw('open(new file, O_WRONLY|O_CREAT)', 'open', cstr(newFile), O_WRONLY | O_CREAT, 0o644))),
    ro(fd(raw('openat(new file, O_CREAT)', 'openat', -100, cstr(`${newFile}.2`), O_CREAT, 0o644))),
    ro(fd(raw('openat(existing, O_WRONLY|O_TRUNC)', 'openat', -100, cstr(existing), O_WRONLY | O_TRUNC, 0))),
    ro(fd(raw('openat(existing, O_RDONLY|O_APPEND)', 'openat', -100, cstr(existing), O_APPEND, 0))),
    ro(fd({ name: 'openat2(new file, O_WRONLY|O_CREAT)', blocked: 'ENOSYS', run: (api) => api.rawSyscall('openat2', -100, cstr(`${newFile}.3`), openHow(O_WRONLY | O_CREAT), 24) })),
    ro(fd(raw('creat', 'creat', cstr(`${newFile}.4`), 0o644))),
    ro(raw('mkdir', 'mkdir', cstr(`${newFile}.d`), 0o755)),
    ro(raw('unlink', 'unlink', cstr(unlinkVictim))),
    ro(raw('rename', 'rename', cstr(renameVictim), cstr(`${renameVictim}.moved`))),
    // The *at forms, the only ones aarch64 has. Where unlink and rename ran first (x86_64), the
    // control finds the victim gone (ENOENT): that still shows the call reaches the kernel.
    ro(raw('mkdirat', 'mkdirat', -100, cstr(`${newFile}.at.d`), 0o755)),
    ro(raw('unlinkat', 'unlinkat', -100, cstr(unlinkVictim), 0)),
    ro(raw('renameat2', 'renameat2', -100, cstr(renameVictim), -100, cstr(`${renameVictim}.moved2`), 0)),
    ...socketAttacks(raw),
    ...otherProcessAttacks(raw, targets),
    ...readOnlyFdAttacks(raw, targets, newFile),
  ];
}

/** struct open_how { u64 flags; u64 mode; u64 resolve; } */
function openHow(flags: number): Uint8Array {
  const how = new Uint8Array(24);
  const dv = new DataView(how.buffer);
  dv.setBigUint64(0, BigInt(flags), true);
  dv.setBigUint64(8, 0o644n, true);
  return how;
}
