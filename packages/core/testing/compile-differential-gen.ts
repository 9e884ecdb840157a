/**
 * Random profiles and calls for the compiler differential (compile-differential.ts). The
 * generator is seeded, so a failure is reproduced from the seed and profile index it prints.
 * Profiles aim at what a compiler can get wrong: every arch libseccomp 2.5.4 knows, alone and
 * in the families one kernel runs together; every action; every operator at both widths with
 * values at the word edges; several rules per syscall (value ladders, shared leading tests,
 * collapses); exact rules; priorities; and a few profiles both sides must refuse.
 */
import {
  Action, arg, arg32, ARCHES, formatAction, resolveSyscall, syscallNames, X32_SYSCALL_BIT,
  type ArchName, type Condition, type Profile, type Rule,
} from '../src/internal.js';
import { NATIVE } from './compile-differential-libseccomp.js';

export type Rng = () => number;

/** mulberry32: tiny, seedable and good enough to spread test cases. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

export function pick<T>(r: Rng, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

const int = (r: Rng, n: number): number => Math.floor(r() * n);

/** The arches libseccomp 2.5.4 knows (2.6 added loongarch64, m68k, sh and sheb), by byte order. */
export const LITTLE: readonly ArchName[] = ['x86_64', 'x86', 'x32', 'aarch64', 'arm', 'riscv64', 'mipsel', 'mipsel64', 'mipsel64n32', 'ppc64le'];
export const BIG: readonly ArchName[] = ['s390x', 's390', 'mips', 'mips64', 'mips64n32', 'parisc', 'parisc64', 'ppc', 'ppc64'];
export const ALL_ARCHES: readonly ArchName[] = [...LITTLE, ...BIG];

/** Arches one kernel runs side by side: what real profiles list together. */
export const FAMILIES: readonly (readonly ArchName[])[] = [
  ['x86_64', 'x86', 'x32'], ['x86_64', 'x32'], ['x86_64', 'x86'], ['aarch64', 'arm'],
  ['mips64', 'mips64n32', 'mips'], ['mipsel64', 'mipsel64n32', 'mipsel'], ['ppc64', 'ppc'], ['s390x', 's390'], ['parisc64', 'parisc'],
];

/** Names every arch has. */
const COMMON = ['read', 'write', 'openat', 'close', 'mmap', 'futex', 'ioctl', 'fcntl', 'getpid', 'kill', 'prctl', 'mprotect', 'dup3', 'getrandom'];
/** Names some arches lack: there a rule places nothing (libseccomp works through a pseudo number). */
const PARTIAL = ['open', 'stat', 'arch_prctl', 'mmap2', 'fstat64', 'set_tls', 'cacheflush'];
/** Multiplexed through socketcall(2)/ipc(2) on x86, s390, s390x, ppc, ppc64, ppc64le and mips o32. */
const MULTIPLEXED = ['socket', 'connect', 'accept4', 'sendmsg', 'shmget', 'semop', 'msgrcv'];
export const WIDE_NAMES: readonly string[] = [...COMMON, ...PARTIAL, ...MULTIPLEXED];

function wideName(r: Rng): string {
  const roll = r();
  return pick(r, roll < 0.8 ? COMMON : roll < 0.96 ? PARTIAL : MULTIPLEXED);
}

const EDGES = [
  0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000001n,
  0xffffffff00000000n, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffffffffff9cn, 0xffffffffffffffffn, 0x1234n, 0x500000000n,
];
const U64 = (1n << 64n) - 1n;
const U32 = 0xffffffffn;

/** A value at or next to a word edge, now and then with garbage in the other word. */
export function value(r: Rng): bigint {
  let v = pick(r, EDGES);
  if (r() < 0.2) v = (v + BigInt(int(r, 3)) - 1n) & U64;
  if (r() < 0.1) v ^= BigInt(int(r, 0x10000)) << BigInt(pick(r, [0, 16, 32, 48]));
  return v;
}

/**
 * Every action, with data at its edges: errno 0 and 4094 (Action.errno() refuses 4095 and
 * above, as libseccomp does), trace 0xffff.
 */
export function action(r: Rng): Action {
  switch (int(r, 11)) {
    case 0: case 1: return Action.allow;
    case 2: return Action.errno(pick(r, [0, 1, 13, 38, 4094, r() < 0.05 ? 4094 : 1 + int(r, 200)]));
    case 3: return Action.errno('EPERM');
    case 4: return Action.trap;
    case 5: return Action.log;
    case 6: return Action.killThread;
    case 7: return Action.killProcess;
    case 8: return Action.trace(pick(r, [0, 1, 0xffff, int(r, 0x10000)]));
    case 9: return Action.notify;
    default: return Action.errno(1 + int(r, 40));
  }
}

function otherThan(r: Rng, not: Action): Action {
  let a = action(r);
  while (formatAction(a) === formatAction(not)) a = action(r);
  return a;
}

export function condition(r: Rng, index: number): Condition {
  const w32 = r() < 0.35;
  const b = w32 ? arg32(index) : arg(index);
  const v = w32 ? value(r) & U32 : value(r);
  const op = pick(r, ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'maskedEq'] as const);
  if (op === 'maskedEq') return b.maskedEq(w32 ? value(r) & U32 : value(r), v);
  return b[op](v);
}

/** What to draw profiles from: the wide differential, or the kernel sample's x86_64 set. */
export interface Shape {
  arches(r: Rng): ArchName[];
  name(r: Rng): string;
  /** Highest argument index conditions test (the kernel sample keeps arg 5 for its marker). */
  maxArg: number;
  /** Whether to mix in profiles both sides must refuse (mixed byte order, a rule equal to the default, -1). */
  refusable: boolean;
}

/** Fisher–Yates, so a seed gives the same order in every runtime (sort() with a random comparator does not). */
function shuffle<T>(r: Rng, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(r, i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function wideArches(r: Rng): ArchName[] {
  const roll = r();
  if (roll < 0.15) return [];
  if (roll < 0.5) return [pick(r, ALL_ARCHES)];
  if (roll < 0.8) return shuffle(r, pick(r, FAMILIES));
  if (roll < 0.98) {
    const pool = r() < 0.5 ? LITTLE : BIG;
    return [...new Set(Array.from({ length: 2 + int(r, 2) }, () => pick(r, pool)))];
  }
  // One seccomp program has one byte order: both sides refuse this.
  return [pick(r, LITTLE), pick(r, BIG)];
}

export const WIDE: Shape = { arches: wideArches, name: wideName, maxArg: 5, refusable: true };

function syscallsFor(r: Rng, shape: Shape): (string | number)[] {
  return [...new Set(Array.from({ length: 1 + int(r, 3) }, () => {
    const name = shape.name(r);
    // Sometimes a number: the native syscall, translated to other arches by name.
    const nr = resolveSyscall(name, NATIVE);
    return r() < 0.15 && nr >= 0 ? nr : name;
  }))];
}

function randomRule(r: Rng, shape: Shape, def: Action, arches: readonly ArchName[]): Rule {
  const args = [...new Set(Array.from({ length: int(r, 4) }, () => int(r, shape.maxArg + 1)))];
  // libseccomp takes exact rules on one arch only: elsewhere both sides refuse, so rarely.
  const exact = r() < (arches.length > 1 ? 0.01 : 0.08);
  return {
    syscalls: syscallsFor(r, shape),
    action: otherThan(r, def),
    conditions: args.map((a) => condition(r, a)),
    ...(exact && { exact }),
    ...(r() < 0.2 && { priority: int(r, 256) }),
  };
}

/**
 * Rules on one syscall that differ in action but not in one argument's value (as socket's
 * domain), some with a further condition: they are disjoint, so both sides must compile them.
 */
function ladder(r: Rng, shape: Shape, def: Action): Rule[] {
  const syscall = shape.name(r);
  const on = 1 + int(r, shape.maxArg);
  const values = [...new Set(Array.from({ length: 2 + int(r, 5) }, () => value(r) & U32))];
  return values.map((v) => {
    const eq = r() < 0.5 ? arg32(on).eq(v) : arg(on).eq(v);
    const more = r() < 0.3 ? [condition(r, (on + 1 + int(r, shape.maxArg)) % (shape.maxArg + 1))] : [];
    return { syscalls: [syscall], action: otherThan(r, def), conditions: [eq, ...more] };
  });
}

/**
 * Rules sharing a leading test, then apart on another argument's value: the shape of a
 * decision tree whose first test is shared. libseccomp 2.5 can loop forever on some of these;
 * the libseccomp side refuses those before they reach it (LibseccompLoopError) and they are counted.
 */
function sharedLead(r: Rng, shape: Shape, def: Action): Rule[] {
  const syscall = shape.name(r);
  const lead = condition(r, int(r, shape.maxArg + 1));
  const on = (lead.arg + 1 + int(r, shape.maxArg)) % (shape.maxArg + 1);
  const same = r() < 0.5 ? otherThan(r, def) : undefined;
  const values = [...new Set(Array.from({ length: 2 + int(r, 3) }, () => value(r)))];
  return values.map((v) => ({
    syscalls: [syscall],
    action: same ?? otherThan(r, def),
    conditions: [lead, r() < 0.5 ? arg32(on).eq(v & U32) : arg(on).eq(v)],
  }));
}

/**
 * Now and then a rule both sides must refuse (its action is the default), or one on -1 (a
 * tracer's skipped call), which libseccomp takes only with apiTskip.
 */
function refusable(r: Rng, rules: Rule[], def: Action): { apiTskip?: boolean } {
  const roll = r();
  if (roll < 0.01) rules.push({ syscalls: [pick(r, COMMON)], action: def });
  else if (roll < 0.02) {
    rules.push({ syscalls: [-1], action: otherThan(r, def) });
    return { apiTskip: true };
  }
  return {};
}

export function randomProfile(r: Rng, shape: Shape): Profile {
  const defaultAction = action(r);
  const arches = shape.arches(r);
  const rules: Rule[] = Array.from({ length: 1 + int(r, 6) }, () => randomRule(r, shape, defaultAction, arches));
  if (r() < 0.3) rules.push(...ladder(r, shape, defaultAction));
  if (r() < 0.2) rules.push(...sharedLead(r, shape, defaultAction));
  const extra = shape.refusable ? refusable(r, rules, defaultAction) : {};
  const badArchAction = r() < 0.5 ? undefined : action(r);
  const attributes = { ...(badArchAction && { badArchAction }), ...extra };
  return { defaultAction, ...(arches.length && { arches }), rules, ...(Object.keys(attributes).length && { attributes }) };
}

export interface Call {
  arch: ArchName;
  /** As seccomp_data.nr holds it: a u32 (x32 numbers carry bit 30; -1 is 0xffffffff). */
  nr: number;
  args: bigint[];
}

/** `name`'s number on `arch` as the kernel reports it, or undefined where the arch lacks it. */
export function nrOf(name: string, arch: ArchName): number | undefined {
  const nr = resolveSyscall(name, arch);
  return nr < 0 ? undefined : nr >>> 0;
}

const spans = new Map<ArchName, [number, number]>();

/** The arch's ordinary numbers, lowest and highest (arm's private 0xf00xx calls left out). */
export function tableSpan(arch: ArchName): [number, number] {
  let span = spans.get(arch);
  if (!span) {
    const nrs = syscallNames(arch).map((n) => resolveSyscall(n, arch) >>> 0).sort((a, b) => a - b);
    const lo = nrs[0]!;
    span = [lo, nrs.filter((n) => n < lo + 0x1000).at(-1)!];
    spans.set(arch, span);
  }
  return span;
}

/** A number on `arch`: one the profile names, any the arch has, past its table, -1, or the other x86 ABI's. */
function callNr(r: Rng, arch: ArchName, name: (r: Rng) => string): number {
  const roll = r();
  if (roll < 0.62) return nrOf(name(r), arch) ?? callNr(r, arch, name);
  if (roll < 0.7) return 0xffffffff;
  if (roll < 0.8) return (callNr(r, arch, name) ^ X32_SYSCALL_BIT) >>> 0;
  if (roll < 0.9) {
    const [lo, hi] = tableSpan(arch);
    return lo + int(r, hi - lo + 24);
  }
  return nrOf(pick(r, syscallNames(arch)), arch)!;
}

export function randomCall(r: Rng, profile: Profile, name: (r: Rng) => string, native: ArchName): Call {
  const listed = profile.arches?.length ? profile.arches : [native];
  const arch = r() < 0.85 ? pick(r, listed) : pick(r, ALL_ARCHES);
  return { arch, nr: callNr(r, arch, name), args: Array.from({ length: 6 }, () => value(r)) };
}

export const auditOf = (arch: ArchName): number => ARCHES[arch].auditArch;
