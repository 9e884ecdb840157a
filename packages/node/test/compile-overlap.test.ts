// The TypeScript compiler against libseccomp 2.5.4 where rules overlap with different actions:
// random profiles whose rules share arguments and data, built by both, every call judged at and
// around every datum. libseccomp's program is the truth here, not what the rules mean: the
// compiler models how libseccomp merges such rules, and must agree call by call or refuse.
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import {
  Action, arg, arg32, emulate, formatAction, kernelAction, prepare, profileToJSON, runPrepared,
  SyscallFilter, type ArchName, type Condition, type Profile, type Rule,
} from '../src/index.js';
import { ARCHES, nativeArch } from '@seccomp/core/internal';
import { compileProfileBpf, CompileError } from '../../core/src/compile/index.js';
import { rng } from '../../core/testing/compile-differential-gen.js';
import { lowerCondition } from '../../core/src/compile/conditions.js';
import { planArch, profileArches, type RulePlan } from '../../core/src/compile/lower.js';
import { rulesDisjoint } from '../../core/src/compile/merge.js';
import { assertLibseccompTerminates } from '../../core/src/libseccomp-loop.js';
import { resolveSyscall } from '../../core/src/syscalls/index.js';

const SEED = Number(process.env.OVERLAP_SEED ?? 0x0e71a9);
/** Rule sets drawn; each is compiled as drawn and once more in another order. */
const SETS = Number(process.env.OVERLAP_SETS ?? 2000);
/** Profiles the SDK's loop guard refuses, built by libseccomp in child processes. */
const LOOP_SAMPLE = Number(process.env.OVERLAP_LOOP_SAMPLE ?? 80);
const U64 = (1n << 64n) - 1n;


type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

// 64-bit x86_64 and s390x (big-endian), 32-bit arm, x86 and mips (big-endian).
/** libseccomp's native arch here: the one rule numbers are read on, and a filter starts with. */
const NATIVE: ArchName = nativeArch();
const ARCH_POOL: ArchName[] = ['x86_64', 'x86_64', 'x86_64', 'arm', 'x86', 'x86', 's390x', 'mips'];
// Present on every arch above, and not multiplexed through socketcall/ipc.
const SYSCALLS = ['read', 'write', 'close', 'ioctl', 'fcntl', 'kill', 'openat', 'dup3', 'prctl', 'futex'];
const EDGES = [0n, 1n, 2n, 5n, 10n, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000005n, 0x1ffffffffn, 0xffffffff00000000n, 0xffffffff80000000n, 0xfffffffffffffff6n, U64];
const MASKS = [0xffn, 0xf0n, 0x1n, 0xffffffffn, 0xffffffff00000000n, 0x100000001n, 0xf0000000fn, U64];

function action(r: Rand): Action {
  return pick(r, [Action.allow, Action.errno(1), Action.errno(2), Action.errno(3), Action.trap, Action.log, Action.killProcess, Action.trace(7)]);
}

/** A value near one of the set's anchors, so rules compare the same or neighbouring data. */
function near(r: Rand, anchors: readonly bigint[]): bigint {
  const a = pick(r, anchors);
  const roll = r();
  if (roll < 0.6) return a;
  if (roll < 0.8) return (a + BigInt(int(r, -2, 2))) & U64;
  return a ^ 0x100000000n;
}

function condition(r: Rand, index: number, anchors: readonly bigint[]): Condition {
  const w32 = r() < 0.3;
  const b = w32 ? arg32(index) : arg(index);
  const cut = (v: bigint) => (w32 ? v & 0xffffffffn : v);
  const op = pick(r, ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'maskedEq'] as const);
  if (op === 'maskedEq') return b.maskedEq(cut(pick(r, MASKS)), cut(near(r, anchors)));
  return b[op](cut(near(r, anchors)));
}

function rule(r: Rand, syscalls: readonly string[], anchors: readonly bigint[], defaultAction: Action): Rule {
  let act = action(r);
  while (formatAction(act) === formatAction(defaultAction)) act = action(r);
  // Mostly one syscall; sometimes two, so syscalls share rules and libseccomp shares code.
  const names = r() < 0.8 || syscalls.length < 2 ? [pick(r, syscalls)] : [syscalls[0]!, syscalls[1]!];
  if (r() < 0.06) return { syscalls: names, action: act };
  // Arguments 0 and 1 most, so conditions meet on the same argument.
  const args = [...new Set(Array.from({ length: int(r, 1, 3) }, () => pick(r, [0, 0, 1, 1, 2, 3])))];
  return { syscalls: names, action: act, conditions: args.map((a) => condition(r, a, anchors)) };
}

function ruleSet(r: Rand): Profile {
  const defaultAction = pick(r, [Action.allow, Action.errno(99), Action.killProcess]);
  const arch = pick(r, ARCH_POOL);
  const syscalls = [...new Set(Array.from({ length: int(r, 1, 3) }, () => pick(r, SYSCALLS)))];
  const anchors = [...new Set(Array.from({ length: int(r, 1, 4) }, () => pick(r, EDGES)))];
  const rules = Array.from({ length: int(r, 2, 8) * syscalls.length }, () => rule(r, syscalls, anchors, defaultAction));
  return { defaultAction, arches: [arch], rules };
}

function shuffled<T>(r: Rand, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** libseccomp's program, built through SyscallFilter rule by rule as the profile lists them. */
function libseccompBpf(profile: Profile): Uint8Array {
  const filter = new SyscallFilter(profile.defaultAction, { tsync: false });
  try {
    const arch = profile.arches![0]!;
    if (arch !== NATIVE) {
      filter.removeArch(NATIVE);
      filter.addArch(arch);
    }
    for (const rl of profile.rules) for (const s of rl.syscalls) filter.addRule(rl.action, s, ...(rl.conditions ?? []));
    return filter.exportBpf();
  } finally {
    filter.release();
  }
}

/** Per argument, values at and around every datum the profile compares it with. */
function argumentValues(profile: Profile): bigint[][] {
  const values = Array.from({ length: 6 }, () => new Set<bigint>([0n, U64]));
  for (const rl of profile.rules) {
    for (const c of rl.conditions ?? []) {
      const set = values[c.arg]!;
      const d = c.value;
      const around = [d - 1n, d, d + 1n, d ^ 0x100000000n, d & 0xffffffffn, d | 0xffffffff00000000n, (d & 0xffffffffn) + 0x100000000n];
      if (c.op === 'maskedEq') around.push(d | (~c.mask & 0x5a5a5a5a5a5a5a5an), d ^ (c.mask & -c.mask));
      for (const v of around) set.add(v & U64);
    }
  }
  return values.map((s) => [...s]);
}

function calls(r: Rand, profile: Profile): bigint[][] {
  const values = argumentValues(profile);
  const out: bigint[][] = [];
  for (let i = 0; i < 160; i++) out.push(values.map((vs) => pick(r, vs)));
  return out;
}

const show = (x: unknown): string => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));

/** The syscall numbers whose rules the compiler merged as libseccomp does (they overlap). */
function modelledNumbers(profile: Profile): Set<number> {
  const out = new Set<number>();
  for (const a of profileArches(profile, NATIVE)) {
    for (const [nr, s] of planArch(profile, a, NATIVE).syscalls) if (s.program) out.add(nr);
  }
  return out;
}

/**
 * What the compiler refused before the merge model ('overlap'): two conditional rules of one
 * syscall, before its first rule without conditions, with different actions and not
 * provably disjoint.
 */
function overlappedBefore(profile: Profile): boolean {
  const arch = profile.arches![0]!;
  const bits = ARCHES[arch].bits;
  const bySyscall = new Map<number, RulePlan[]>();
  profile.rules.forEach((rl, index) => {
    const tests = (rl.conditions ?? []).map((c) => lowerCondition(c, bits)).filter((t) => t !== undefined);
    for (const s of new Set(rl.syscalls)) {
      const nr = resolveSyscall(s as string, arch);
      bySyscall.set(nr, [...(bySyscall.get(nr) ?? []), { rule: index, action: rl.action, tests }]);
    }
  });
  return [...bySyscall.values()].some((rules) => {
    const first = rules.findIndex((r) => r.tests.length === 0);
    const merged = first < 0 ? rules : rules.slice(0, first);
    return merged.some((a, i) => merged.slice(i + 1).some((b) => formatAction(a.action) !== formatAction(b.action) && !rulesDisjoint(a, b)));
  });
}

const M32 = 0xffffffffn;

/**
 * What the rules of a syscall mean (for syscalls whose rules with different actions never
 * both match, where the compiler follows the rules): the first rule without conditions
 * decides, else any rule whose conditions all hold, else the default. Written apart from the
 * compiler, as libseccomp receives the conditions.
 */
function meaning(profile: Profile, arch: ArchName, nr: number, args: readonly bigint[]): string {
  const bits = ARCHES[arch].bits;
  const cut = (x: bigint) => (bits === 32 ? x & M32 : x);
  const holds = (c: Condition): boolean => {
    const masked = c.op === 'maskedEq' || (c.width === 32 && c.op === 'eq');
    const mask = cut(c.op === 'maskedEq' ? (c.width === 32 ? c.mask & M32 : c.mask) : masked ? M32 : U64);
    const [v, d] = [cut(args[c.arg]!), cut(c.value)];
    if (masked) return (v & mask) === (d & mask);
    return { eq: v === d, ne: v !== d, lt: v < d, le: v <= d, gt: v > d, ge: v >= d }[c.op as 'eq']!;
  };
  const mine = profile.rules.filter((rl) => rl.syscalls.some((s) => resolveSyscall(s as string, arch) >>> 0 === nr));
  const live = (rl: Rule) => (rl.conditions ?? []).filter((c) => !(c.op === 'maskedEq' && cut(c.width === 32 ? c.mask & M32 : c.mask) === 0n));
  const bare = mine.find((rl) => live(rl).length === 0);
  const hit = bare ?? mine.find((rl) => live(rl).every(holds));
  return formatAction(hit ? hit.action : profile.defaultAction);
}

interface Stats {
  profiles: number; compared: number; modelled: number; calls: number; strict: number; traced: number;
  bothRefused: number; loopGuard: number; departures: number; before: number;
}

type Built = { readonly bpf: Uint8Array } | { readonly error: string } | 'loops';

const refusalKey = (err: CompileError): string => `${err.reason}${err.feature ? `:${err.feature}` : ''}`;

function compileOurs(profile: Profile): ReturnType<typeof compileProfileBpf> | CompileError {
  try {
    return compileProfileBpf(profile, { nativeArch: NATIVE });
  } catch (err) {
    if (!(err instanceof CompileError)) throw err;
    return err;
  }
}

/**
 * Both programs on calls at and around every datum: on syscalls whose rules were merged as
 * libseccomp merges them, every verdict must be libseccomp's.
 */
function compare(profile: Profile, ours: ReturnType<typeof compileProfileBpf>, theirs: Uint8Array, stats: Stats): void {
  const where = `profile ${show(profile)}`;
  stats.compared++;
  const merged = modelledNumbers(profile);
  if (merged.size) stats.modelled++;
  const arch = profile.arches![0]!;
  const { endian, auditArch } = ARCHES[arch];
  const a = prepare(ours.bytes, endian);
  const b = prepare(theirs, endian);
  const nrs = [...new Set(profile.rules.flatMap((rl) => rl.syscalls))].map((s) => resolveSyscall(s as string, arch) >>> 0);
  // Calls come from their own generator, so the profiles drawn do not depend on verdicts.
  calls(rng(SEED + stats.profiles), profile).forEach((args, k) => {
    const nr = nrs[k % nrs.length]!;
    const mine = formatAction(kernelAction(runPrepared(a, nr, auditArch, args)));
    const ref = formatAction(kernelAction(runPrepared(b, nr, auditArch, args)));
    stats.calls++;
    if (merged.has(nr)) stats.strict++;
    // Elsewhere the compiler follows the rules where libseccomp's program departs from
    // them (it compares a word it no longer holds): counted, as in compile-differential.
    else if (mine !== ref && mine === meaning(profile, arch, nr, args)) {
      stats.departures++;
      return;
    }
    if (mine !== ref) assert.fail(`${where}\ncall nr=${nr} args=${show(args)}: compiled ${mine}, libseccomp ${ref}`);
    if (k % 16 !== 0) return;
    // The return reached names a rule (or the default) whose action is the verdict.
    const run = emulate(a, { arch, syscall: nr, args });
    const source = ours.provenance.get(run.path.at(-1)!);
    const sourceAction = source === 'default' ? profile.defaultAction : profile.rules[source as number]!.action;
    assert.equal(formatAction(sourceAction), mine, `${where}: provenance ${String(source)}`);
    stats.traced++;
  });
}

/**
 * One profile's two outcomes: a refusal must be one libseccomp shares when it says so
 * (EEXIST), a compiled program must come with libseccomp's own, and then agree with it.
 */
function judge(profile: Profile, ours: ReturnType<typeof compileOurs>, theirs: Built, stats: Stats, refused: Map<string, number>): void {
  const where = `profile ${show(profile)}`;
  if (ours instanceof CompileError) {
    const reason = refusalKey(ours);
    const key = `${reason}${theirs === 'loops' ? ' (libseccomp loops)' : 'error' in theirs ? ' (libseccomp refuses)' : ''}`;
    refused.set(key, (refused.get(key) ?? 0) + 1);
    if (process.env.OVERLAP_DEBUG === reason) console.log(where);
    if (theirs !== 'loops' && 'error' in theirs) stats.bothRefused++;
    // A refusal because libseccomp refuses: it must.
    if (reason === 'overlap:eexist') assert.ok(theirs === 'loops' || 'error' in theirs, `${where}: refused as EEXIST, but libseccomp built it`);
    return;
  }
  if (theirs === 'loops') return;
  if ('error' in theirs) assert.fail(`${where}: compiled, but libseccomp refused it: ${theirs.error}`);
  compare(profile, ours, theirs.bpf, stats);
}

function newStats(): Stats {
  return { profiles: 0, compared: 0, modelled: 0, calls: 0, strict: 0, traced: 0, bothRefused: 0, loopGuard: 0, departures: 0, before: 0 };
}

function libseccompBuilds(profile: Profile): Built {
  try {
    return { bpf: libseccompBpf(profile) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

test('overlapping rules: the compiled program gives libseccomp\'s verdict for every call, or is refused with a reason', () => {
  const r = rng(SEED);
  const stats = newStats();
  const refused = new Map<string, number>();
  const started = Date.now();
  for (let i = 0; i < SETS; i++) {
    const drawn = ruleSet(r);
    for (const profile of [drawn, { ...drawn, rules: shuffled(r, drawn.rules) }]) {
      stats.profiles++;
      if (overlappedBefore(profile)) stats.before++;
      const ours = compileOurs(profile);
      let theirs: Built;
      try {
        assertLibseccompTerminates(profile, NATIVE);
        theirs = libseccompBuilds(profile);
      } catch {
        // libseccomp may never return (the loop test below builds a sample in children).
        stats.loopGuard++;
        theirs = 'loops';
      }
      judge(profile, ours, theirs, stats, refused);
    }
  }
  const count = (pred: (k: string) => boolean) => [...refused].filter(([k]) => pred(k)).reduce((n, [, v]) => n + v, 0);
  const overlapRefused = count((k) => k.startsWith('overlap'));
  // Refused although libseccomp builds the profile: the compiler's own gaps.
  const gaps = count((k) => k.startsWith('overlap') && !k.endsWith(')'));
  const before = stats.before;
  console.log(`overlap differential: ${stats.profiles} profiles (${SETS} rule sets, each also reordered) in ${Date.now() - started} ms; ${stats.compared} compiled and compared with libseccomp (${stats.modelled} through the merge model), ${stats.calls} calls (${stats.strict} on merged syscalls), ${stats.traced} returns traced to their rule; ${stats.departures} calls on other syscalls where libseccomp departs from the rules and the compiler follows them`);
  console.log(`refused: ${show(Object.fromEntries(refused))} (${stats.bothRefused} also refused by libseccomp); ${stats.loopGuard} profiles the SDK's loop guard keeps from libseccomp (not compared)`);
  const pct = (n: number) => `${((100 * n) / Math.max(1, before)).toFixed(1)}%`;
  console.log(`overlapping with different actions: ${before} profiles, all refused (overlap) before the merge model; refused now (overlap): ${overlapRefused} (${pct(overlapRefused)}), of which ${overlapRefused - gaps} libseccomp refuses or may never finish too, and ${gaps} (${pct(gaps)}) it builds`);
  assert.ok(stats.modelled >= SETS / 2, `at least ${SETS / 2} profiles compiled through the merge model, got ${stats.modelled}`);
  assert.ok(gaps * 100 <= before, `at most 1% of overlapping profiles refused where libseccomp builds them, got ${gaps} of ${before}`);
});

const CHILD = fileURLToPath(new URL('./compile-overlap.child.ts', import.meta.url));

/** Builds the profiles with libseccomp in child processes; a build that loops is killed there. */
function buildInChildren(profiles: readonly Profile[]): Built[] {
  const out: Built[] = [];
  while (out.length < profiles.length) {
    const batch = profiles.slice(out.length);
    const run = spawnSync(process.execPath, ['--import', 'tsx', CHILD], {
      input: JSON.stringify(batch.map((p) => profileToJSON(p))), encoding: 'utf8', timeout: 120_000, killSignal: 'SIGKILL', maxBuffer: 1 << 28,
    });
    const from = out.length;
    let started = -1;
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const m = JSON.parse(line) as { i: number; started?: true; bpf?: string; error?: string };
      if (m.started) started = m.i;
      else out[from + m.i] = m.bpf !== undefined ? { bpf: Buffer.from(m.bpf, 'hex') } : { error: m.error! };
    }
    if (out.length === profiles.length) break;
    // Killed by its watchdog: the profile it had started never finished building.
    assert.equal(run.signal, 'SIGKILL', `the child ended without building every profile: ${run.stderr}`);
    assert.equal(out.length, from + started, 'the child was killed in the build it started last');
    out.push('loops');
  }
  return out;
}

test('profiles the SDK keeps from libseccomp (it may loop): built in children, those that finish agree too', () => {
  const r = rng(SEED ^ 0x10095);
  const sample: Profile[] = [];
  for (let i = 0; sample.length < LOOP_SAMPLE && i < 50 * LOOP_SAMPLE; i++) {
    const drawn = ruleSet(r);
    for (const profile of [drawn, { ...drawn, rules: shuffled(r, drawn.rules) }]) {
      try {
        assertLibseccompTerminates(profile, NATIVE);
      } catch {
        sample.push(profile);
      }
    }
  }
  const started = Date.now();
  const built = buildInChildren(sample);
  const stats = newStats();
  const refused = new Map<string, number>();
  sample.forEach((profile, i) => {
    stats.profiles++;
    judge(profile, compileOurs(profile), built[i]!, stats, refused);
  });
  const loops = built.filter((b) => b === 'loops').length;
  console.log(`loop-guarded sample: ${sample.length} profiles built in children in ${Date.now() - started} ms: libseccomp looped on ${loops}, refused ${built.filter((b) => b !== 'loops' && 'error' in b).length}, built ${stats.compared + [...refused].filter(([k]) => !k.endsWith(')')).reduce((n, [, v]) => n + v, 0)}; ${stats.compared} compiled and compared (${stats.modelled} through the merge model), ${stats.calls} calls (${stats.strict} on merged syscalls); refused: ${show(Object.fromEntries(refused))}`);
  // A loop the model reports must be one libseccomp really has.
  assert.equal(refused.get('overlap:libseccompLoops') ?? 0, 0, 'refused as looping, but libseccomp finished');
  assert.ok(loops > 0 && stats.modelled > 0, 'the sample holds profiles libseccomp loops on and merged profiles it builds');
});
