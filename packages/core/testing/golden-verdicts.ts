/**
 * What each golden fixture means, written by hand from the profile (scripts/golden.ts), not
 * from libseccomp's output: for each arch, calls and the action the filter must answer.
 * The golden files are libseccomp's recording; these rows judge that recording, so a set
 * recorded from a broken build (an operator flipped, a rule dropped, a width lost) fails
 * even though its bytes are "up to date". test/bpf-golden.test.ts runs every row through the
 * emulator on every recorded set, whichever libseccomp is installed; it also requires every
 * rule, every conditional rule's non-matching side, the default and a foreign arch to have
 * a row. Arguments are the raw 64-bit registers: a negative number is what a C `int` or
 * `long` argument becomes when it is sign-extended into one.
 */
import type { ArchName } from '../src/index.js';

/** [syscall name (resolved for the row's arch), arguments, the action as formatAction writes it]. */
export type VerdictRow = readonly [syscall: string, args: readonly (number | bigint)[], expect: string];
export type VerdictTable = Partial<Record<ArchName, readonly VerdictRow[]>>;

const AT_FDCWD = -100;
const PATH = 0x1000; // a pointer nobody reads: filters see only the register
const TIOCSTI = 0x5412;
const CLONE_NEWUSER = 0x10000000;
const CLONE_NEWNS = 0x20000;
/** The flags glibc's pthread_create passes to clone. */
const CLONE_THREAD_FLAGS = 0x3d0f00;
const HIGH = 0x1_00000000n; // a bit only the upper word of a register holds

/** Calls a rule never names: they get the default action. */
const unnamed = (expect: string): VerdictRow[] => [['getppid', [], expect], ['uname', [0], expect]];
/** A syscall from an ABI the filter does not list. */
const foreign = (expect: string): VerdictTable => ({ aarch64: [['openat', [AT_FDCWD, PATH, 0], expect]] });

const seedFilter: VerdictTable = {
  x86_64: [
    ['read', [0, PATH, 1], 'allow'], ['write', [1, PATH, 1], 'allow'], ['exit', [0], 'allow'], ['rt_sigreturn', [], 'allow'],
    // dup2(1, 2) only: both conditions must hold, each on the whole 64-bit register.
    ['dup2', [1, 2], 'allow'],
    ['dup2', [2, 42], 'killThread'], ['dup2', [1, 3], 'killThread'], ['dup2', [0, 2], 'killThread'],
    ['dup2', [HIGH | 1n, 2], 'killThread'], ['dup2', [1, HIGH | 2n], 'killThread'],
    ['exit_group', [0], 'killThread'], ['dup3', [1, 2, 0], 'killThread'],
    ...unnamed('killThread'),
  ],
  // x32 calls reach an x86_64-only filter with the x32 bit set: libseccomp sends them to the
  // bad-arch action, which the SDK makes killProcess unless the profile says otherwise.
  x32: [['read', [0, PATH, 1], 'killProcess']],
  ...foreign('killProcess'),
};

const strictModeFilter: VerdictTable = {
  x86_64: [
    ['read', [0, PATH, 1], 'allow'], ['write', [1, PATH, 1], 'allow'], ['exit', [0], 'allow'],
    ['exit_group', [0], 'allow'], ['rt_sigreturn', [], 'allow'],
    ['openat', [AT_FDCWD, PATH, 0], 'killProcess'], ['mmap', [0, 4096, 3, 0x22, -1, 0], 'killProcess'],
    ...unnamed('killProcess'),
  ],
  x32: [['write', [1, PATH, 1], 'killProcess']],
  ...foreign('killProcess'),
};

const multiArch: VerdictTable = {
  x86_64: [
    ['mkdir', [PATH, 0o755], 'errno(EPERM)'], ['mkdirat', [AT_FDCWD, PATH, 0o755], 'errno(EPERM)'],
    ['rmdir', [PATH], 'errno(EPERM)'], ['unlinkat', [AT_FDCWD, PATH, 0], 'errno(EPERM)'],
    // arg32(0).eq(10): AF_INET6 only, judged on the low word alone.
    ['socket', [10, 1, 0], 'errno(EAFNOSUPPORT)'], ['socket', [HIGH | 10n, 1, 0], 'errno(EAFNOSUPPORT)'],
    ['socket', [2, 1, 0], 'allow'], ['socket', [11, 1, 0], 'allow'],
    ['shmget', [0, 4096, 0], 'errno(EACCES)'], ['ptrace', [0, 1, 0, 0], 'killProcess'],
    // openat(AT_FDCWD, …, O_WRONLY…): the fd as a 32-bit int, the access mode by mask.
    ['openat', [AT_FDCWD, PATH, 1], 'errno(EROFS)'], ['openat', [0xffffff9c, PATH, 0o101], 'errno(EROFS)'],
    ['openat', [AT_FDCWD, PATH, HIGH | 1n], 'errno(EROFS)'],
    ['openat', [AT_FDCWD, PATH, 0], 'allow'], ['openat', [AT_FDCWD, PATH, 2], 'allow'], ['openat', [3, PATH, 1], 'allow'],
    ['read', [0, PATH, 1], 'allow'], ...unnamed('allow'),
  ],
  x86: [
    ['mkdir', [PATH, 0o755], 'errno(EPERM)'], ['rmdir', [PATH], 'errno(EPERM)'],
    ['ptrace', [0, 1, 0, 0], 'killProcess'],
    // The direct socket(2) entry (359) carries the domain in a register, so it is checked.
    ['socket', [10, 1, 0], 'errno(EAFNOSUPPORT)'], ['socket', [2, 1, 0], 'allow'],
    // socketcall(SYS_SOCKET = 1, args) passes the domain behind a pointer no filter can read:
    // libseccomp applies the rule to every socket() made that way; other socketcalls run.
    ['socketcall', [1, PATH], 'errno(EAFNOSUPPORT)'], ['socketcall', [2, PATH], 'allow'],
    ['shmget', [0, 4096, 0], 'errno(EACCES)'],
    // ipc(SHMGET = 23, …): the multiplexed form of shmget.
    ['ipc', [23, 0, 4096, 0], 'errno(EACCES)'], ['ipc', [21, 0, 0, 0], 'allow'],
    ['openat', [AT_FDCWD, PATH, 1], 'errno(EROFS)'], ['openat', [AT_FDCWD, PATH, 0], 'allow'],
    ['read', [0, PATH, 1], 'allow'], ['getppid', [], 'allow'],
  ],
  x32: [
    ['mkdir', [PATH, 0o755], 'errno(EPERM)'], ['ptrace', [0, 1, 0, 0], 'killProcess'],
    ['socket', [10, 1, 0], 'errno(EAFNOSUPPORT)'], ['socket', [2, 1, 0], 'allow'],
    ['openat', [AT_FDCWD, PATH, 1], 'errno(EROFS)'], ['read', [0, PATH, 1], 'allow'],
  ],
  // badArchAction: trap.
  ...foreign('trap'),
};

const conditions: VerdictTable = {
  x86_64: [
    // Two openat rules on the access mode: WRONLY → EROFS, RDWR → EACCES, both only at AT_FDCWD.
    ['openat', [AT_FDCWD, PATH, 1], 'errno(EROFS)'], ['openat', [AT_FDCWD, PATH, 2], 'errno(EACCES)'],
    ['openat', [AT_FDCWD, PATH, 0o102], 'errno(EACCES)'], ['openat', [HIGH | 0xffffff9cn, PATH, 1], 'errno(EROFS)'],
    ['openat', [AT_FDCWD, PATH, 0], 'allow'], ['openat', [AT_FDCWD, PATH, 3], 'allow'], ['openat', [4, PATH, 1], 'allow'],
    // PROT_WRITE|PROT_EXEC together, tested on the 64-bit register by mask.
    ['mmap', [0, 4096, 6, 0x22, -1, 0], 'killProcess'], ['mmap', [0, 4096, 7, 0x22, -1, 0], 'killProcess'],
    ['mmap', [0, 4096, HIGH | 6n, 0x22, -1, 0], 'killProcess'],
    ['mmap', [0, 4096, 3, 0x22, -1, 0], 'allow'], ['mmap', [0, 4096, 4, 0x22, -1, 0], 'allow'],
    ['mprotect', [PATH, 4096, 6], 'killProcess'], ['mprotect', [PATH, 4096, 5], 'allow'],
    // ioctl: TIOCSTI refused; fd 0 with a request ≥ 0x80000000 (unsigned, 64-bit) logged.
    ['ioctl', [1, TIOCSTI], 'errno(EPERM)'], ['ioctl', [1, HIGH | BigInt(TIOCSTI)], 'allow'], ['ioctl', [1, TIOCSTI + 1], 'allow'],
    ['ioctl', [0, 0x80000000], 'log'], ['ioctl', [HIGH, 0x80000000], 'log'], ['ioctl', [0, -1], 'log'],
    ['ioctl', [0, 0x7fffffff], 'allow'], ['ioctl', [1, 0x80000000], 'allow'],
    // clone with CLONE_NEWUSER in its flags traps.
    ['clone', [CLONE_NEWUSER, 0, 0, 0, 0], 'trap'], ['clone', [CLONE_NEWUSER | 0x11, 0, 0, 0, 0], 'trap'],
    ['clone', [0x11, 0, 0, 0, 0], 'allow'], ['clone', [0xffffffff_efffffffn, 0, 0, 0, 0], 'allow'],
    // kill(pid, SIGKILL): the signal as a 32-bit int, so a high word does not hide it.
    ['kill', [123, 9], 'errno(EPERM)'], ['kill', [123, HIGH | 9n], 'errno(EPERM)'],
    ['kill', [123, 15], 'allow'], ['kill', [9, 0], 'allow'],
    // arg32(0).gt(10): an ordering operator compares the whole register (only eq and
    // maskedEq narrow to the low word), so a sign-extended -1 or a high bit is above 10.
    ['socket', [11, 1, 0], 'errno(EAFNOSUPPORT)'], ['socket', [-1, 1, 0], 'errno(EAFNOSUPPORT)'],
    ['socket', [HIGH | 2n, 1, 0], 'errno(EAFNOSUPPORT)'],
    ['socket', [10, 1, 0], 'allow'], ['socket', [0, 1, 0], 'allow'],
    // setresuid(<1000, ≤999, ≠0xffffffff): every condition must hold.
    ['setresuid', [0, 0, 0], 'errno(EPERM)'], ['setresuid', [999, 999, 5], 'errno(EPERM)'],
    ['setresuid', [1000, 0, 0], 'allow'], ['setresuid', [0, 1000, 0], 'allow'], ['setresuid', [0, 0, 0xffffffff], 'allow'],
    // A sign-extended -1 is not 0xffffffff on the whole register, so ne holds.
    ['setresuid', [0, 0, -1], 'errno(EPERM)'],
    // And -1 is no small number when ordered: lt(1000) fails.
    ['setresuid', [-1, 0, 0], 'allow'],
    // lseek: offsets from 2^40 up refused with EFBIG; -1 with EINVAL.
    ['lseek', [3, 1n << 40n, 0], 'errno(EFBIG)'], ['lseek', [3, 1n << 63n, 0], 'errno(EFBIG)'],
    ['lseek', [3, (1n << 40n) - 1n, 0], 'allow'], ['lseek', [3, 0xffffffff, 0], 'allow'],
    // -1 matches both rules; libseccomp tests a rule's EQ node before a GE node on the same
    // argument, so the exact match wins. This row pins that order.
    ['lseek', [3, -1, 0], 'errno(EINVAL)'],
    ['personality', [0], 'allow'], ['personality', [8], 'errno(EPERM)'], ['personality', [HIGH], 'errno(EPERM)'],
    ['getrandom', [PATH, 0x100000001, 0], 'trace(7)'], ['getrandom', [PATH, -1, 0], 'trace(7)'],
    ['getrandom', [PATH, 0x100000000, 0], 'allow'], ['getrandom', [PATH, 0xffffffff, 0], 'allow'],
    // prlimit64(<1, ≤15, ≠0, ==0): four conditions, each one's failing side.
    ['prlimit64', [0, 15, 1, 0], 'killThread'], ['prlimit64', [0, 0, HIGH, 0], 'killThread'],
    ['prlimit64', [1, 15, 1, 0], 'allow'], ['prlimit64', [0, 16, 1, 0], 'allow'],
    ['prlimit64', [0, 15, 0, 0], 'allow'], ['prlimit64', [0, 15, 1, 1], 'allow'], ['prlimit64', [-1, 0, 1, 0], 'allow'],
    ['mount', [PATH, PATH, PATH, 0, 0], 'notify'], ['ptrace', [0, 0, 0, 0], 'killProcess'],
    ['read', [0, PATH, 1], 'allow'], ...unnamed('allow'),
  ],
  x32: [['getppid', [], 'killProcess']],
  ...foreign('killProcess'),
};

const optimizePriority: VerdictTable = {
  x86_64: [
    ['read', [0, PATH, 1], 'allow'], ['epoll_pwait', [3, PATH, 1, -1, 0], 'allow'],
    ['openat', [AT_FDCWD, PATH, 0], 'allow'], ['pwrite64', [3, PATH, 1, 0], 'allow'],
    ['mmap', [0, 4096, 7, 0x22, -1, 0], 'allow'], ['brk', [0], 'allow'],
    ['getppid', [], 'allow'], ['rseq', [PATH, 32, 0, 0], 'allow'], ['exit_group', [0], 'allow'],
    // ioctl only with request TIOCSTI + 1; everything else falls to the killProcess default.
    ['ioctl', [1, TIOCSTI + 1], 'allow'], ['ioctl', [1, TIOCSTI], 'killProcess'],
    ['ioctl', [1, HIGH | BigInt(TIOCSTI + 1)], 'killProcess'],
    // clone without CLONE_NEWUSER only.
    ['clone', [CLONE_THREAD_FLAGS, 0, 0, 0, 0], 'allow'], ['clone', [CLONE_NEWUSER, 0, 0, 0, 0], 'killProcess'],
    ['clone', [CLONE_THREAD_FLAGS | CLONE_NEWUSER, 0, 0, 0, 0], 'killProcess'],
    ['kill', [1, 9], 'errno(EPERM)'], ['tgkill', [1, 1, 9], 'errno(EPERM)'],
    ['mount', [PATH, PATH, PATH, 0, 0], 'killProcess'], ['uname', [0], 'allow'], ['socket', [2, 1, 0], 'killProcess'],
    ['execve', [PATH, 0, 0], 'killProcess'],
  ],
  x32: [['read', [0, PATH, 1], 'killProcess']],
  ...foreign('killProcess'),
};

const denyList: VerdictTable = {
  x86_64: [
    ['mount', [PATH, PATH, PATH, 0, 0], 'errno(EPERM)'], ['unshare', [CLONE_NEWUSER], 'errno(EPERM)'],
    ['bpf', [0, PATH, 0], 'errno(EPERM)'], ['vhangup', [], 'errno(EPERM)'], ['keyctl', [0], 'errno(EPERM)'],
    ['reboot', [0, 0, 0, 0], 'killProcess'], ['ptrace', [16, 1, 0, 0], 'killProcess'],
    ['kexec_load', [0, 0, 0, 0], 'killProcess'], ['process_vm_writev', [1, 0, 0, 0, 0, 0], 'killProcess'],
    // socket(AF_NETLINK = 16), by the low word.
    ['socket', [16, 3, 0], 'errno(EAFNOSUPPORT)'], ['socket', [HIGH | 16n, 3, 0], 'errno(EAFNOSUPPORT)'],
    ['socket', [2, 1, 0], 'allow'], ['socket', [17, 3, 0], 'allow'],
    ['process_vm_readv', [1, 0, 0, 0, 0, 0], 'allow'], ['execve', [PATH, 0, 0], 'allow'],
    ['read', [0, PATH, 1], 'allow'], ...unnamed('allow'),
  ],
  x32: [['read', [0, PATH, 1], 'killProcess']],
  ...foreign('killProcess'),
};

/** Docker's default, the same with and without CAP_SYS_ADMIN except where the rows differ. */
function dockerDefault(sysAdmin: boolean): VerdictTable {
  const admin = (withCap: string, without: string) => (sysAdmin ? withCap : without);
  const common = (arch: 'x86_64' | 'x86' | 'x32'): VerdictRow[] => [
    ['read', [0, PATH, 1], 'allow'], ['openat', [AT_FDCWD, PATH, 0], 'allow'], ['execve', [PATH, 0, 0], 'allow'],
    ['ptrace', [16, 1, 0, 0], 'allow'], ['process_vm_readv', [1, 0, 0, 0, 0, 0], 'allow'],
    // socket: families below 38, 39, and above 40; AF_ALG (38) and AF_VSOCK (40) refused.
    ['socket', [2, 1, 0], 'allow'], ['socket', [37, 1, 0], 'allow'], ['socket', [38, 1, 0], 'errno(EPERM)'],
    ['socket', [39, 1, 0], 'allow'], ['socket', [40, 1, 0], 'errno(EPERM)'], ['socket', [41, 1, 0], 'allow'],
    // personality: only the five listed personas.
    ['personality', [0], 'allow'], ['personality', [8], 'allow'], ['personality', [0x20000], 'allow'],
    ['personality', [0x20008], 'allow'], ['personality', [0xffffffff], 'allow'],
    ['personality', [1], 'errno(EPERM)'], ['personality', [0x20001], 'errno(EPERM)'],
    // clone without namespace flags; CAP_SYS_ADMIN allows any clone and clone3.
    ['clone', [CLONE_THREAD_FLAGS, 0, 0, 0, 0], 'allow'],
    ['clone', [CLONE_NEWUSER, 0, 0, 0, 0], admin('allow', 'errno(EPERM)')],
    ['clone', [CLONE_NEWNS | 0x11, 0, 0, 0, 0], admin('allow', 'errno(EPERM)')],
    ['clone3', [PATH, 88], admin('allow', 'errno(ENOSYS)')],
    ['mount', [PATH, PATH, PATH, 0, 0], admin('allow', 'errno(EPERM)')],
    ['unshare', [CLONE_NEWNS], admin('allow', 'errno(EPERM)')], ['setns', [3, 0], admin('allow', 'errno(EPERM)')],
    ['bpf', [0, PATH, 0], admin('allow', 'errno(EPERM)')],
    // Refused either way: the default.
    ['reboot', [0, 0, 0, 0], 'errno(EPERM)'], ['kexec_load', [0, 0, 0, 0], 'errno(EPERM)'],
    ['io_uring_setup', [8, PATH], 'errno(EPERM)'], ['keyctl', [0], 'errno(EPERM)'],
    ...(arch === 'x86_64' ? [['arch_prctl', [0x1002, PATH], 'allow'], ['modify_ldt', [0, PATH, 16], 'allow']] as VerdictRow[] : []),
  ];
  return {
    x86_64: [
      ...common('x86_64'),
      // A 64-bit ordering: a family with the high word set is above 0x28.
      ['socket', [HIGH | 2n, 1, 0], 'allow'], ['personality', [HIGH], 'errno(EPERM)'],
      ['clone', [HIGH | BigInt(CLONE_THREAD_FLAGS), 0, 0, 0, 0], 'allow'],
    ],
    // i386: socketcall is allowed outright; the direct entries take the same rules.
    x86: [...common('x86'), ['socketcall', [1, PATH], 'allow'], ['waitpid', [1, PATH, 0], 'allow'], ['mmap2', [0, 4096, 3, 0x22, -1, 0], 'allow']],
    x32: common('x32'),
    ...foreign('killProcess'),
  };
}

export const GOLDEN_VERDICTS: Readonly<Record<string, VerdictTable>> = {
  'seed-filter': seedFilter,
  'strict-mode-filter': strictModeFilter,
  'multi-arch': multiArch,
  conditions,
  'optimize-priority': optimizePriority,
  'deny-list': denyList,
  'docker-default-x86_64': dockerDefault(false),
  'docker-default-x86_64-cap-sys-admin': dockerDefault(true),
};
