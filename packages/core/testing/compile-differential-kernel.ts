/**
 * The kernel's opinion on a sample of random profiles for this machine's arch (x86_64 or
 * aarch64, with their neighbours): the compiler's program runs
 * in a child of the runtime under test and the child makes the calls for real; the kernel's
 * verdict must be the emulator's on the same program (and, through the differential, libseccomp's).
 *
 * The program is loaded as a probe (probe.ts): every return of the compiler's program is
 * rewritten to an errno that names the verdict it stood for, so no verdict kills or stops the
 * child. A guard in front sends to it only calls whose sixth argument is this profile's marker
 * (a random 64-bit value no runtime passes), so the runtime's own calls, even of the same
 * syscalls, pass untouched; the profiles therefore test arguments 0 to 4 only.
 *
 * Which calls are made: only ones that change nothing if they really run, because the control
 * child makes every one of them with no filter at all (and a faulty guard would let them run):
 * the process's own ids and scheduling queries, dup (a spare descriptor at worst), close and
 * fcntl on a descriptor that cannot be open (the low word of the first argument is at least
 * 0x10000), -1, numbers no kernel of the arch has, and on x86_64 the x32 forms of all of
 * these. That is the rule that leaves every other syscall out.
 */
import {
  ARCHES, BPF_ABS, BPF_JA, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_W, emulate, encodeBpf, jump, prepare, resolveSyscall, runPrepared, stmt, syscallName,
  type ArchName, type Condition, type Profile, type SockFilter,
} from '../src/internal.js';
import { NATIVE } from './compile-differential-libseccomp.js';
import type { CompiledProgram } from '../src/compile/index.js';
import { conditionEdges } from './compile-differential-edges.js';
import { pick, value, type Call, type Rng, type Shape } from './compile-differential-gen.js';
import { probeProgram, decodeProbeErrno } from './probe.js';

const X32_BIT = 0x40000000;
const U32 = 0xffffffffn;
/** The lowest descriptor number that cannot be open here (RLIMIT_NOFILE is far below it). */
const NEVER_OPEN = 0x10000n;

/** Calls that only read the caller's state (getpgrp is x86_64's only: aarch64 has getpgid). */
const QUERIES = [
  'getpid', 'getppid', 'getuid', 'geteuid', 'getgid', 'getegid', 'gettid', 'getpgrp', 'sched_yield',
  'getpgid', 'getsid', 'getpriority', 'sched_getscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
];
/** Calls on a descriptor: dup makes at most a spare one; close and fcntl get one that cannot be open. */
const ON_FD = ['dup', 'close', 'fcntl'];
const NEEDS_BAD_FD = new Set(['close', 'fcntl']);

/**
 * Where the sample runs: the ABIs a process there can call with (the second drawn 3 times in
 * 10), and the arch sets of the profiles — the native arch with the ones its kernels run beside
 * it, alone, in both orders, and without it (so the bad-arch action is reached too).
 */
interface KernelHost { abis: readonly ArchName[]; arches: readonly (readonly ArchName[])[] }
const HOSTS: Partial<Record<ArchName, KernelHost>> = {
  x86_64: { abis: ['x86_64', 'x32'], arches: [[], ['x86_64'], ['x86_64', 'x32'], ['x32', 'x86_64'], ['x86_64', 'x86', 'x32'], ['x86_64', 'aarch64'], ['x32']] },
  aarch64: { abis: ['aarch64'], arches: [[], ['aarch64'], ['aarch64', 'arm'], ['arm', 'aarch64'], ['aarch64', 'x86_64'], ['arm']] },
};

/** Whether the kernel sample can run on `arch` (the arches above). */
export const kernelSampleRunsOn = (arch: string): boolean => Object.hasOwn(HOSTS, arch);

const HOST: KernelHost = HOSTS[NATIVE] ?? HOSTS.x86_64!;
const AUDIT = ARCHES[NATIVE].auditArch;
/** The safe calls this arch has (a name it lacks resolves to a negative pseudo number). */
export const KERNEL_SAFE: readonly string[] = [...QUERIES, ...ON_FD].filter((n) => resolveSyscall(n, NATIVE) >= 0);

/** Profiles for the sample: the native arch and its neighbours, rules mostly on the safe calls. */
export const KERNEL_SHAPE: Shape = {
  arches: (r) => [...pick(r, HOST.arches)],
  name: (r) => (r() < 0.9 ? pick(r, KERNEL_SAFE) : pick(r, ['read', 'openat', 'mmap', 'futex'])),
  maxArg: 4,
  refusable: false,
};

/** The ABI a call is made with: the native one, or (x86_64) x32 three times in ten. */
const abiOf = (r: Rng): ArchName => (HOST.abis.length > 1 && r() < 0.3 ? HOST.abis[1]! : HOST.abis[0]!);

/** A descriptor argument that cannot be open: the kernel reads the low word only. */
function badFd(v: bigint): bigint {
  return (v & U32) >= NEVER_OPEN ? v : (v & ~U32) | 0xffff0000n | (v & 0xffffn);
}

function safeNr(r: Rng): { nr: number; name?: string } {
  const roll = r();
  if (roll < 0.06) return { nr: 0xffffffff };
  // No kernel has these (x86_64's and aarch64's tables end below 600; x32's legacy numbers
  // below 0x40000220; on aarch64 bit 30 makes just another number it lacks).
  if (roll < 0.12) return { nr: ((r() < 0.5 ? 0 : X32_BIT) + 1000 + Math.floor(r() * 1000)) >>> 0 };
  const name = pick(r, KERNEL_SAFE);
  return { nr: resolveSyscall(name, abiOf(r)) >>> 0, name };
}

/** A rule of the profile on a safe call, to aim a call at: its name, and its conditions. */
function aimAt(r: Rng, profile: Profile): { name: string; conditions: readonly Condition[] } | undefined {
  const aims = profile.rules.flatMap((rule) => rule.syscalls.flatMap((s) => {
    const name = typeof s === 'number' ? syscallName(s, NATIVE) : s;
    return name && KERNEL_SAFE.includes(name) && rule.conditions?.length ? [{ name, conditions: rule.conditions }] : [];
  }));
  return aims.length ? pick(r, aims) : undefined;
}

/**
 * A safe call on the native arch (x32 numbers carry bit 30), with the marker as its sixth argument.
 * Half of them aim at a rule of the profile: its syscall, with each argument it tests on an
 * edge of the test (so rules, not only defaults, decide).
 */
export function kernelCall(r: Rng, marker: bigint, profile: Profile): Call {
  const aim = r() < 0.5 ? aimAt(r, profile) : undefined;
  const { nr, name } = aim ? { nr: resolveSyscall(aim.name, abiOf(r)) >>> 0, name: aim.name } : safeNr(r);
  const args = Array.from({ length: 5 }, () => value(r));
  for (const c of aim?.conditions ?? []) if (c.arg < 5) args[c.arg] = pick(r, conditionEdges(c));
  if (name && NEEDS_BAD_FD.has(name)) args[0] = badFd(args[0]!);
  return { arch: NATIVE, nr, args: [...args, marker] };
}

export interface ProbeCall {
  /** As the kernel's int: -1, not 0xffffffff. */
  nr: number;
  /** Six u64 arguments, decimal. */
  args: string[];
}

export interface KernelPlan {
  where: string;
  profile: Profile;
  /** The probe around the compiler's program, little-endian (x86_64, aarch64). */
  bpf: number[];
  spare: Record<string, number>;
  calls: ProbeCall[];
  /** The emulator's raw verdict on the compiler's program, per call. */
  expected: number[];
  /** What produced each verdict (the compiler's provenance): a rule, the default or the bad-arch action. */
  sources: ('rule' | 'default' | 'badArch')[];
  /** The same calls with another sixth argument: the guard must let them through. */
  passThrough: ProbeCall[];
}

const toProbeCall = (c: Call): ProbeCall => ({ nr: c.nr | 0, args: c.args.map((a) => a.toString()) });

/**
 * Guard, then probe: calls whose args[5] is not `marker` jump to the probe's final RET ALLOW.
 * seccomp_data.args[5] is at 56 (low word) and 60 (high word) on a little-endian arch.
 */
export function markerGuard(probe: readonly SockFilter[], marker: bigint): SockFilter[] {
  const lo = Number(marker & U32);
  const hi = Number(marker >> 32n);
  const allowFrom = (pc: number) => 6 + probe.length - 1 - (pc + 1);
  return [
    stmt(BPF_LD | BPF_W | BPF_ABS, 56),
    jump(BPF_JMP | BPF_JEQ | BPF_K, lo, 1, 0),
    stmt(BPF_JMP | BPF_JA, allowFrom(2)),
    stmt(BPF_LD | BPF_W | BPF_ABS, 60),
    jump(BPF_JMP | BPF_JEQ | BPF_K, hi, 1, 0),
    stmt(BPF_JMP | BPF_JA, allowFrom(5)),
    ...probe,
  ];
}

export function kernelPlan(where: string, profile: Profile, ours: CompiledProgram, calls: readonly Call[], marker: bigint): KernelPlan {
  const probe = probeProgram(ours.program, calls.map((c) => c.nr), AUDIT);
  const program = markerGuard(probe.program, marker);
  const mine = prepare(ours.program, 'little');
  return {
    where,
    profile,
    bpf: Array.from(encodeBpf(program, 'little')),
    spare: probe.spare,
    calls: calls.map(toProbeCall),
    expected: calls.map((c) => runPrepared(mine, c.nr, AUDIT, c.args) >>> 0),
    sources: calls.map((c) => {
      const source = ours.provenance.get(emulate(mine, { arch: c.arch, syscall: c.nr, args: c.args }).path.at(-1)!);
      return typeof source === 'number' ? 'rule' : source ?? 'default';
    }),
    // One word of the marker wrong is enough to be let through: half with each.
    passThrough: calls.slice(0, 8).map((c, i) => toProbeCall({ ...c, args: [...c.args.slice(0, 5), marker ^ (i % 2 ? 1n : 1n << 32n)] })),
  };
}

/** A 64-bit marker with both words set, so neither word alone can match by chance. */
export function marker(r: Rng): bigint {
  const word = () => BigInt(0x10000000 + Math.floor(r() * 0xe0000000));
  return (word() << 32n) | word();
}

/** The verdict a probe errno stands for, or undefined for an errno no probe gives. */
export function kernelVerdict(plan: KernelPlan, errno: number): number | undefined {
  return decodeProbeErrno(errno, plan.spare);
}

/** Codes from 1000 up are the probe's; a real call never fails with them. */
export const PROBE_CODES_FROM = 1000;
