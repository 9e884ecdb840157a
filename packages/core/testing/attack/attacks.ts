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
  /** What lockdown answers: EPERM, or ENOSYS where libc must fall back (clone3, openat2). */
  blocked: 'EPERM' | 'ENOSYS';
  /** Only with readOnlyFs. */
  readOnlyFs?: true;
  /** Replaces the process when it succeeds: only tried under lockdown (controls run alone). */
  replaces?: true;
  /** Returns a new file descriptor when it succeeds (the control closes it). */
  fd?: true;
  x86_64?: true;
  run(api: ScenarioApi, h: Helper): AttackResult;
}

const cstr = (text: string) => new TextEncoder().encode(`${text}\0`);
const fromHelper = (rc: number): AttackResult => (rc < 0 ? { ret: -1, errno: -rc } : { ret: rc, errno: 0 });
const pid = () => (globalThis as unknown as { process: { pid: number } }).process.pid;

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

export function attacks({ newFile, existing, unlinkVictim, renameVictim }: AttackPaths): Attack[] {
  const raw = (name: string, syscall: string, ...args: (number | bigint | Uint8Array | null)[]): Attack => ({
    name, blocked: 'EPERM', run: (api) => api.rawSyscall(syscall, ...args),
  });
  const helper = (name: string, fn: keyof Helper, extra: Partial<Attack> = {}): Attack => ({
    name, blocked: 'EPERM', ...extra, run: (_api, h) => fromHelper(h[fn]()),
  });
  const ro = (a: Attack): Attack => ({ ...a, readOnlyFs: true });
  const fd = (a: Attack): Attack => ({ ...a, fd: true });
  return [
    helper('execve', 'attack_execve', { replaces: true }),
    helper('execveat', 'attack_execveat', { replaces: true }),
    helper('fork', 'attack_fork'),
    helper('vfork', 'attack_vfork', { x86_64: true }),
    helper('clone (a process: no CLONE_THREAD)', 'attack_clone_process'),
    helper('clone3', 'attack_clone3_process', { blocked: 'ENOSYS' }),
    // Without CLONE_SIGHAND the kernel refuses it (EINVAL), so the control never makes a thread
    // on this stack; lockdown refuses it first, for CLONE_NEWNET.
    raw('clone (CLONE_THREAD in a new network namespace)', 'clone', 0x00010000 | 0x40000000, 0, 0, 0, 0),
    raw('ptrace(PTRACE_ATTACH)', 'ptrace', 16, 0x3fffffff),
    { name: 'process_vm_readv', blocked: 'EPERM', run: (api) => api.rawSyscall('process_vm_readv', pid(), null, 0, null, 0, 0) },
    { name: 'process_vm_writev', blocked: 'EPERM', run: (api) => api.rawSyscall('process_vm_writev', pid(), null, 0, null, 0, 0) },
    raw('mount', 'mount', cstr('none'), cstr('/nonexistent-seccomp-target'), cstr('tmpfs'), 0, null),
    raw('umount2', 'umount2', cstr('/nonexistent-seccomp-target'), 0),
    raw('pivot_root', 'pivot_root', cstr('/nonexistent-a'), cstr('/nonexistent-b')),
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
    raw('reboot (wrong magic)', 'reboot', 0, 0, 0, null),
    raw('swapon', 'swapon', cstr('/nonexistent-swap'), 0),
    raw('swapoff', 'swapoff', cstr('/nonexistent-swap')),
    raw('setuid', 'setuid', 0),
    raw('setgid', 'setgid', 0),
    raw('setresuid', 'setresuid', -1, -1, -1),
    fd(raw('socket(AF_PACKET, SOCK_RAW)', 'socket', 17, 3, 0)),
    // The kernel reads the domain as an int: 0x1_00000011 is AF_PACKET to it.
    fd(raw('socket(AF_PACKET) with garbage in the high word', 'socket', 0x100000011n, 2, 0)),
    fd(raw('socket(AF_INET, SOCK_RAW|SOCK_NONBLOCK|SOCK_CLOEXEC, ICMP)', 'socket', 2, 3 | SOCK_NONBLOCK_CLOEXEC, 1)),
    fd(raw('socket(AF_INET6, SOCK_RAW)', 'socket', 10, 3, 58)),
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
