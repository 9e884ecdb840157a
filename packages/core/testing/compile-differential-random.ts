/**
 * One profile through both compilers, and its calls through both programs (emulated): the
 * compiler's verdict must be libseccomp's. Every return reached is traced through the
 * compiler's provenance map to the rule that produced it. Where libseccomp's program departs
 * from the rules, the departure is accepted only with evidence from libseccomp itself or a
 * visible defect on its path (compile-differential-departures.ts), and counted.
 */
import {
  Action, encodeAction, formatAction, prepare, runPrepared, emulate, ARCHES, LibseccompLoopError,
  type Action as ActionT, type ArchName, type PreparedBpf, type Profile,
} from '../src/internal.js';
import { compileProfileBpf, CompileError, type CompiledProgram } from '../src/compile/index.js';
import { departure, referenceFor, type Departure, type Reference } from './compile-differential-departures.js';
import { auditOf, randomCall, randomProfile, rng, WIDE, type Call, type Shape } from './compile-differential-gen.js';
import { knownRefusalGap } from './compile-differential-gaps.js';
import { libseccompProgram, NATIVE, type LibseccompSide } from './compile-differential-libseccomp.js';
import { meaning } from './compile-differential-meaning.js';

export interface DiffStats {
  /** Profiles drawn, compiled by both and compared, and calls compared. */
  generated: number;
  compared: number;
  calls: number;
  /** Compiler refusals by reason ("reason/feature" where it names a feature). */
  refused: Record<string, number>;
  /** Of those, the ones libseccomp must refuse too, and did. */
  bothRefused: number;
  /** Compiled, but not given to libseccomp 2.5, which would never finish building it. */
  libseccompWouldLoop: number;
  /** Compiled, refused by libseccomp: known gaps only (compile-differential-gaps.ts), by gap. */
  refusedByLibseccompOnly: Record<string, number>;
  /** The first profile of each such gap, for the log. */
  gapExamples: Record<string, string>;
  /** Calls where libseccomp's program departs from the rules and the compiler's follows them. */
  departures: Record<Departure, number>;
  /** The first call of each kind of departure, for the log. */
  departureExamples: Partial<Record<Departure, string>>;
  /** Calls where both programs give the same verdict and it is not what the rules say (libseccomp's merge, reproduced). */
  bothDepart: number;
  /** Return instructions reached whose provenance names the action returned. */
  traced: number;
  /** Milliseconds in each phase. */
  ms: { generate: number; compile: number; libseccomp: number; emulate: number };
}

export function emptyStats(): DiffStats {
  return {
    generated: 0, compared: 0, calls: 0, refused: {}, bothRefused: 0, libseccompWouldLoop: 0, refusedByLibseccompOnly: {}, gapExamples: {},
    departures: { noNrLoad: 0, staleAccumulator: 0, mergeOnly: 0, byteSwappedReturn: 0, otherArchesOnly: 0 }, departureExamples: {}, bothDepart: 0, traced: 0,
    ms: { generate: 0, compile: 0, libseccomp: 0, emulate: 0 },
  };
}

export const show = (x: unknown): string => JSON.stringify(x, (_, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v));

const clock = (): number => performance.now();

function timed<T>(stats: DiffStats, phase: keyof DiffStats['ms'], fn: () => T): T {
  const start = clock();
  try {
    return fn();
  } finally {
    stats.ms[phase] += clock() - start;
  }
}

/** Refusals that mirror one of libseccomp's (compile/errors.ts): it must refuse the profile too. */
const MIRRORED: ReadonlySet<string> = new Set([
  'noSuchSyscall', 'exactOnManyArches', 'invalidSyscall', 'exactMultiplexed', 'mixedEndian',
  'overlap/eexist', 'overlap/sameArgTwice', 'unsupported/defaultActionRule',
]);

/**
 * Whether libseccomp must refuse what the compiler refused. Not asked for profiles the
 * compiler says libseccomp would loop on: if the SDK's loop check missed one, asking would hang.
 */
function libseccompRefusesToo(e: CompileError): boolean {
  return MIRRORED.has(refusalKey(e)) || MIRRORED.has(e.reason);
}

function refusalKey(e: CompileError): string {
  return e.feature ? `${e.reason}/${e.feature}` : e.reason;
}

function fail(where: string, profile: Profile, what: string): never {
  throw new Error(`${where}: ${what}\nprofile ${show(profile)}`);
}

function compileOurs(profile: Profile, where: string): CompiledProgram | CompileError {
  try {
    return compileProfileBpf(profile, { nativeArch: NATIVE });
  } catch (err) {
    if (err instanceof CompileError) return err;
    return fail(where, profile, `the compiler threw ${String(err)}, not a CompileError`);
  }
}

function checkSharedRefusal(side: LibseccompSide, profile: Profile, e: CompileError, stats: DiffStats, where: string): void {
  try {
    libseccompProgram(side, profile);
  } catch (err) {
    if (err instanceof LibseccompLoopError) stats.libseccompWouldLoop++;
    else stats.bothRefused++;
    return;
  }
  fail(where, profile, `the compiler refused it (${e.message}); libseccomp built it`);
}

/** libseccomp's program, or undefined where it would loop building it or refuses it for a known gap. */
function theirsFor(side: LibseccompSide, profile: Profile, stats: DiffStats, where: string): Uint8Array | undefined {
  try {
    return libseccompProgram(side, profile);
  } catch (err) {
    if (err instanceof LibseccompLoopError) {
      stats.libseccompWouldLoop++;
      return undefined;
    }
    const gap = knownRefusalGap(profile, err, NATIVE);
    if (!gap) return fail(where, profile, `the compiler built it; libseccomp refused: ${String(err)}`);
    stats.refusedByLibseccompOnly[gap] = (stats.refusedByLibseccompOnly[gap] ?? 0) + 1;
    stats.gapExamples[gap] ??= `${where} ${show(profile)}`;
    return undefined;
  }
}

function sourceAction(profile: Profile, source: unknown): ActionT | undefined {
  if (source === 'default') return profile.defaultAction;
  if (source === 'badArch') return profile.attributes?.badArchAction ?? Action.killProcess;
  return typeof source === 'number' ? profile.rules[source]?.action : undefined;
}

/**
 * One call: the return reached must name its source (provenance); then the compiler's
 * verdict must be libseccomp's, or libseccomp's program must visibly depart (counted).
 */
function checkCall(side: LibseccompSide, profile: Profile, ours: CompiledProgram, mine: PreparedBpf, ref: Reference | undefined, c: Call, stats: DiffStats, where: string): void {
  const run = emulate(mine, { arch: c.arch, syscall: c.nr, args: c.args });
  const said = `call ${c.arch} nr=0x${c.nr.toString(16)} args=${c.args.map((x) => `0x${x.toString(16)}`).join(',')}`;
  const source = ours.provenance.get(run.path.at(-1)!);
  const fromSource = sourceAction(profile, source);
  if (!fromSource || encodeAction(fromSource) !== run.value) fail(where, profile, `${said}: returned 0x${run.value.toString(16)}, provenance says ${String(source)}`);
  stats.traced++;
  if (!ref) return;
  stats.calls++;
  const meant = meaning(profile, c, NATIVE);
  const theirs = runPrepared(ref.prepared, c.nr, auditOf(c.arch), c.args);
  if (theirs === run.value) {
    if (meant && encodeAction(meant) !== theirs) stats.bothDepart++;
    return;
  }
  const verdicts = `the compiler's program says 0x${run.value.toString(16)} (${formatAction(run.action)}), libseccomp's 0x${theirs.toString(16)}`;
  const kind = departure(side, profile, c, run.value, theirs, ref, meant);
  if (!kind) fail(where, profile, `${said}: ${verdicts}${meant ? `; the rules say ${formatAction(meant)}` : ''}`);
  stats.departures[kind]++;
  stats.departureExamples[kind] ??= `${where} ${show(profile)} ${said}: ${verdicts}`;
}

export type ProfileOutcome = { compiled: CompiledProgram; compared: boolean } | { refused: CompileError };

/** Everything the differential checks for one profile and its calls. */
export function checkProfile(side: LibseccompSide, profile: Profile, calls: readonly Call[], stats: DiffStats, where: string): ProfileOutcome {
  const ours = timed(stats, 'compile', () => compileOurs(profile, where));
  if (ours instanceof CompileError) {
    const key = refusalKey(ours);
    stats.refused[key] = (stats.refused[key] ?? 0) + 1;
    if (libseccompRefusesToo(ours)) timed(stats, 'libseccomp', () => checkSharedRefusal(side, profile, ours, stats, where));
    return { refused: ours };
  }
  const bytes = timed(stats, 'libseccomp', () => theirsFor(side, profile, stats, where));
  timed(stats, 'emulate', () => {
    const listed: readonly ArchName[] = profile.arches?.length ? profile.arches : [NATIVE];
    const endian = ARCHES[listed[0]!].endian;
    const ref = bytes && referenceFor(bytes, endian);
    const mine = prepare(ours.program, endian);
    for (const c of calls) checkCall(side, profile, ours, mine, ref, c, stats, where);
  });
  if (bytes) stats.compared++;
  return { compiled: ours, compared: bytes !== undefined };
}

export interface RandomRun {
  seed: number;
  /** Profiles to compile and compare (refusals do not count). */
  target: number;
  callsPerProfile: number;
}

/** Draws profiles until `target` were compiled by both sides and compared. */
export function runRandomDifferential(side: LibseccompSide, run: RandomRun, shape: Shape = WIDE): DiffStats {
  const stats = emptyStats();
  const r = rng(run.seed);
  // Refusals cost little; a compiler refusing most profiles is itself a failure.
  const limit = run.target * 4;
  while (stats.compared < run.target) {
    if (stats.generated >= limit) throw new Error(`only ${stats.compared} of ${stats.generated} profiles were compiled and compared: refusals ${show(stats.refused)}`);
    const where = `seed 0x${run.seed.toString(16)} profile #${stats.generated}`;
    const { profile, calls } = timed(stats, 'generate', () => {
      const p = randomProfile(r, shape);
      return { profile: p, calls: Array.from({ length: run.callsPerProfile }, () => randomCall(r, p, shape.name, NATIVE)) };
    });
    stats.generated++;
    checkProfile(side, profile, calls, stats, where);
  }
  return stats;
}
