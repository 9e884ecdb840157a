/**
 * What lockdown() always denies, and the argument checks it adds, as data. Every list is
 * syscall specs (names and @groups, see ../groups), expanded per arch when a plan is made.
 */
import type { ArchName } from '../arch.js';

/**
 * Denied whatever the preset: running other programs, new processes, tracing and reading
 * other processes, mounts and namespaces, kernel code (modules, BPF, kexec), the keyring,
 * perf and userfaultfd, personality, reboot, swap, and every id change. Groups stand for
 * their documented members (docs/groups.md): @debug is ptrace, process_vm_readv/writev,
 * perf_event_open, pidfd_getfd, kcmp, …; @mount is mount, umount2, pivot_root and the new
 * mount API; @setuid the whole setuid/setgid family.
 */
export const FIXED_DENY = [
  'execve', 'execveat', 'fork', 'vfork',
  '@debug', '@mount', 'chroot', 'unshare', 'setns',
  'bpf', 'userfaultfd', '@keyring', '@module', '@reboot', '@swap',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  'personality', '@setuid', 'open_by_handle_at',
] as const;

/**
 * Answered with ENOSYS instead of the denial action. clone3 passes its flags behind a
 * pointer, which seccomp cannot read; glibc (2.34+) creates threads with clone3 and falls
 * back to clone(2) on ENOSYS, where the flags are an argument and CLONE_THREAD can be
 * checked. Any other errno would make every new thread fail.
 */
export const ENOSYS_ALWAYS = ['clone3'] as const;

/** io_uring calls are never killed: runtimes probe io_uring at start-up and on their own. */
export const NEVER_KILL = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'] as const;

/**
 * With readOnlyFs: calls that change the file system by path. Writing through a descriptor
 * opened before lockdown (a log file) stays allowed; descriptors opened after it are
 * read-only, since open and openat are checked for write flags.
 */
export const READ_ONLY_DENY = [
  'creat', 'mkdir', 'mkdirat', 'rmdir', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2',
  'link', 'linkat', 'symlink', 'symlinkat', 'mknod', 'mknodat', 'truncate', 'truncate64',
  'chmod', 'fchmodat', 'fchmodat2', 'chown', 'chown32', 'lchown', 'lchown32', 'fchownat', 'setxattr', 'lsetxattr', 'setxattrat',
  'removexattr', 'lremovexattr', 'removexattrat', 'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat',
] as const;

/**
 * With readOnlyFs: metadata changes through a descriptor. The kernel checks ownership, not
 * the descriptor's mode, so a file opened read-only could be made setuid or world-writable
 * (as root) through them. A program that needs one names it in `allow` (readOnlyFs then
 * leaves that call alone); lockdown.md says what each re-opens.
 */
export const READ_ONLY_FD_DENY = ['fchmod', 'fchown', 'fchown32', 'fsetxattr', 'fremovexattr'] as const;

/** With readOnlyFs, openat2 gets ENOSYS: its flags sit behind a pointer, and libc falls back to openat. */
export const READ_ONLY_ENOSYS = ['openat2'] as const;

/** clone(2) flags (linux/sched.h). */
export const CLONE = Object.freeze({
  THREAD: 0x00010000,
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
  NEWUTS: 0x04000000,
  NEWIPC: 0x08000000,
  NEWUSER: 0x10000000,
  NEWPID: 0x20000000,
  NEWNET: 0x40000000,
} as const);

/** Namespace flags a thread could still be created with (CLONE_NEWTIME shares CSIGNAL's bits in clone(2)). */
export const CLONE_NAMESPACES = [CLONE.NEWNS, CLONE.NEWCGROUP, CLONE.NEWUTS, CLONE.NEWIPC, CLONE.NEWUSER, CLONE.NEWPID, CLONE.NEWNET] as const;

/**
 * open(2) flags that write, create, truncate or append: the asm-generic values, which x86,
 * arm, aarch64, riscv, powerpc, s390 and loongarch share (not mips, parisc, sparc, alpha).
 * O_TMPFILE is __O_TMPFILE|O_DIRECTORY; its own bit is enough.
 */
export const OPEN_WRITE_FLAGS = Object.freeze({
  O_WRONLY: 0o1,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  __O_TMPFILE: 0o20000000,
} as const);

const GENERIC_OPEN_FLAGS: readonly ArchName[] = ['x86', 'x86_64', 'x32', 'arm', 'aarch64', 'loongarch64', 'ppc', 'ppc64', 'ppc64le', 'riscv64', 's390', 's390x', 'm68k', 'sh', 'sheb'];

export function hasGenericOpenFlags(arch: ArchName): boolean {
  return GENERIC_OPEN_FLAGS.includes(arch);
}

/** Which argument of clone(2) holds the flags: s390 swaps the first two. */
export function cloneFlagsArg(arch: ArchName): 0 | 1 {
  return arch === 's390' || arch === 's390x' ? 1 : 0;
}
