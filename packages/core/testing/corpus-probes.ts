/**
 * The corpus's kernel check, child side: for each entry, a deterministic sample of its
 * native-arch cases, the probe program (probe.ts) that makes those syscalls safe to issue,
 * and the emulator's verdicts on the original program to compare the kernel's with.
 */
import type { ArchName, SyscallFilter } from '../src/internal.js';
import type { CorpusEntry } from './corpus-data.js';
import { CORPUS } from './corpus-data.js';
import { buildFilter, type BuildNotes } from './corpus-build.js';
import { casesOn, entryPlan, evaluateEntry } from './corpus.js';
import { probeProgram } from './probe.js';
import type { ScenarioApi } from './scenario-types.js';

/**
 * Syscalls the runtime (any of its threads) may make at any moment: a probe answering
 * them with an errno would break the child, so they are never in a tested set.
 */
export const RUNTIME_SYSCALLS = [
  'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'pwritev', 'preadv2', 'pwritev2', 'close', 'close_range',
  'openat', 'openat2', 'fstat', 'newfstatat', 'statx', 'lseek', 'getdents64', 'readlink', 'readlinkat',
  'access', 'faccessat', 'faccessat2', 'getcwd', 'fcntl', 'ioctl', 'dup', 'dup2', 'dup3', 'pipe', 'pipe2', 'eventfd', 'eventfd2',
  'mmap', 'munmap', 'mprotect', 'mremap', 'madvise', 'msync', 'mincore', 'mlock', 'munlock', 'brk', 'membarrier',
  'futex', 'futex_waitv', 'set_robust_list', 'get_robust_list', 'set_tid_address', 'rseq', 'clone', 'clone3', 'fork', 'vfork',
  'execve', 'execveat', 'wait4', 'waitid', 'exit', 'exit_group', 'kill', 'tgkill', 'tkill',
  'rt_sigreturn', 'rt_sigprocmask', 'rt_sigaction', 'rt_sigtimedwait', 'rt_sigsuspend', 'sigaltstack',
  'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'poll', 'ppoll', 'select', 'pselect6',
  'timerfd_create', 'timerfd_settime', 'timerfd_gettime', 'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  'clock_gettime', 'clock_getres', 'clock_nanosleep', 'gettimeofday', 'time', 'nanosleep', 'sched_yield',
  'sched_getaffinity', 'sched_setaffinity', 'getpid', 'gettid', 'getppid', 'getuid', 'geteuid', 'getgid', 'getegid',
  'getrandom', 'prctl', 'arch_prctl', 'seccomp', 'uname', 'sysinfo', 'getrusage', 'prlimit64', 'getrlimit', 'setrlimit',
  'capget', 'memfd_create', 'ftruncate', 'fsync', 'fdatasync', 'umask', 'getcpu',
  // Stdio may be a socket: the runtime inspects and writes it with these.
  'socketpair', 'getsockname', 'getpeername', 'getsockopt', 'setsockopt', 'sendmsg', 'recvmsg', 'sendto', 'recvfrom',
  'shutdown', 'sendfile', 'splice', 'copy_file_range',
  // JIT memory protection keys, timers, signals, scheduling and process queries.
  'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'mlock2', 'mbind', 'get_mempolicy', 'set_mempolicy',
  'timer_create', 'timer_settime', 'timer_gettime', 'timer_delete',
  'signalfd', 'signalfd4', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'pidfd_open', 'pidfd_send_signal',
  'getpgrp', 'getpgid', 'getsid', 'setsid', 'getpriority', 'setpriority', 'getresuid', 'getresgid', 'getgroups',
  'sched_getparam', 'sched_getscheduler', 'sched_getattr', 'sched_get_priority_max', 'sched_get_priority_min',
  // Not filterable: the kernel runs these without consulting seccomp, and outside a probe
  // trampoline they end the process with SIGILL.
  'uretprobe', 'uprobe',
];

export interface ProbeCall {
  /** The syscall number as issued (signed, as the kernel's int). */
  nr: number;
  /** Six u64 arguments, decimal. */
  args: string[];
}

export interface ProbePlan {
  id: string;
  /** The probe program's bytes (native byte order), for the rawCalls scenario. */
  bpf: number[];
  calls: ProbeCall[];
  /** The emulator's raw verdict on the original program, per call. */
  expected: number[];
  /** The probe's extra errno codes (probe.ts). */
  spare: Record<string, number>;
  /** Native-arch cases the sample was drawn from. */
  candidates: number;
}

export interface ProbePlans {
  native: string;
  plans: ProbePlan[];
  /** Entries with no plan, and why. */
  unsampled: { id: string; reason: string }[];
}

interface Candidate {
  call: ProbeCall;
  value: number;
}

function runtimeNumbers(api: ScenarioApi, native: ArchName): Set<number> {
  const out = new Set<number>();
  for (const name of RUNTIME_SYSCALLS) {
    try {
      out.add(api.resolveSyscall(name, native) >>> 0);
    } catch {
      // Not a syscall on this arch.
    }
  }
  return out;
}

/** Up to `max` candidates, in order: the first of each distinct verdict, then evenly spaced others. */
export function pickSample<T extends { value: number }>(all: readonly T[], max: number): T[] {
  const chosen = new Set<number>();
  const seen = new Set<number>();
  all.forEach((c, i) => {
    if (seen.has(c.value) || chosen.size >= max) return;
    seen.add(c.value);
    chosen.add(i);
  });
  const rest = all.map((_, i) => i).filter((i) => !chosen.has(i));
  const room = Math.min(max - chosen.size, rest.length);
  for (let k = 0; k < room; k++) chosen.add(rest[Math.floor((k * rest.length) / room)]!);
  return [...chosen].sort((a, b) => a - b).map((i) => all[i]!);
}

function exportEntry(api: ScenarioApi, e: CorpusEntry, native: ArchName, dropped: ReadonlySet<string>): Uint8Array {
  const notes: BuildNotes = { expectedErrors: 0, problems: [] };
  let filter: SyscallFilter | undefined;
  try {
    filter = buildFilter({ api, native, droppable: dropped }, e.filter, notes);
    return filter.exportBpf();
  } finally {
    filter?.release();
  }
}

/** The entry's native-arch simulated syscalls, and those of them that are safe to issue. */
function candidates(api: ScenarioApi, e: CorpusEntry, bpf: Uint8Array, native: ArchName, unsafe: Set<number>): { native: number; safe: Candidate[] } {
  const out = { native: 0, safe: [] as Candidate[] };
  evaluateEntry(api, e, bpf, native, (arch) => arch !== native, (sim, value) => {
    out.native++;
    if (unsafe.has(sim.nr)) return;
    out.safe.push({ call: { nr: sim.nr | 0, args: sim.args.map((a) => BigInt.asUintN(64, a).toString()) }, value });
  });
  return out;
}

function exportWithLevel(api: ScenarioApi, e: CorpusEntry, native: ArchName, dropped: ReadonlySet<string>): Uint8Array {
  const defaultLevel = api.apiLevel();
  api.setApiLevel(e.filter.apiLevel ?? defaultLevel);
  try {
    return exportEntry(api, e, native, dropped);
  } finally {
    api.setApiLevel(defaultLevel);
  }
}

function planEntry(api: ScenarioApi, e: CorpusEntry, native: ArchName, unsafe: Set<number>, max: number): ProbePlan | string {
  const p = entryPlan(api, e);
  if (p.skipped) return p.skipped;
  // Checked before building: an entry written for another native arch (50: x86_64's fake
  // numbers 1000/1001) cannot be built elsewhere, as in libseccomp's own harness.
  if (casesOn(e, native, new Set([native])) === 0) return `no case runs on ${native}`;
  const bpf = exportWithLevel(api, e, native, p.dropped);
  const found = candidates(api, e, bpf, native, unsafe);
  if (found.safe.length === 0) return `its ${found.native} ${native} case(s) all use syscalls the runtime itself makes`;
  const sample = pickSample(found.safe, max);
  const probe = probeProgram(api.decodeBpf(bpf), sample.map((c) => c.call.nr), api.archInfo(native).auditArch);
  return {
    id: e.id,
    bpf: Array.from(api.encodeBpf(probe.program)),
    calls: sample.map((c) => c.call),
    expected: sample.map((c) => c.value >>> 0),
    spare: probe.spare,
    candidates: found.safe.length,
  };
}

/** A probe plan for every entry that has native-arch cases (nothing is loaded here). */
export function corpusProbePlans(api: ScenarioApi, max = 40, entries: readonly CorpusEntry[] = CORPUS): ProbePlans {
  const native = api.nativeArch();
  const unsafe = runtimeNumbers(api, native);
  const out: ProbePlans = { native, plans: [], unsampled: [] };
  for (const e of entries) {
    const r = planEntry(api, e, native, unsafe, max);
    if (typeof r === 'string') out.unsampled.push({ id: e.id, reason: r });
    else out.plans.push(r);
  }
  return out;
}
