/**
 * The compiler differential, shared by the three runtime packages: the SDK's compiler
 * (src/compile/) against libseccomp 2.5, built through the runtime's own FFI backend.
 *
 *  1. Random profiles (compile-differential-gen.ts) until SECCOMP_DIFF_PROFILES (10,000) were
 *     compiled by both and compared, each with random calls through both programs (emulated).
 *     Refusals are counted by reason and do not count; a refusal is a CompileError or a bug.
 *  2. A sample of random profiles for this machine's arch (x86_64 or aarch64) run by the
 *     kernel, in children of the runtime.
 *  3. Docker's default and lockdown's filters for every preset: every number, every edge.
 *
 * The seed (SECCOMP_DIFF_SEED) is printed; a failure names the profile's index in its stream.
 */
import assert from 'node:assert/strict';
import { runChild, type ChildCommand, type ChildOutcome } from './harness.js';
import type { TestFn } from './suite-types.js';
import { compareAtEdges } from './compile-differential-edges.js';
import { randomProfile, rng } from './compile-differential-gen.js';
import { KERNEL_SHAPE, kernelCall, kernelPlan, kernelSampleRunsOn, kernelVerdict, marker, PROBE_CODES_FROM, type KernelPlan, type ProbeCall } from './compile-differential-kernel.js';
import type { LibseccompSide } from './compile-differential-libseccomp.js';
import { boundToPid, dockerCases, lockdownCases, type PresetCase } from './compile-differential-presets.js';
import { checkProfile, emptyStats, runRandomDifferential, show, type DiffStats } from './compile-differential-random.js';

export type { LibseccompSide, LibseccompFilter } from './compile-differential-libseccomp.js';

export interface CompileDifferentialAdapter {
  runtime: 'node' | 'bun' | 'deno';
  test: TestFn;
  /** Registers a test as skipped, with the reason (the kernel sample off x86_64 and aarch64). */
  skip?: (name: string, reason: string) => void;
  /** The machine's arch as libseccomp names it. */
  arch: string;
  /** How to start a child of this runtime (harness.ts); the kernel sample loads filters there. */
  command: ChildCommand;
  /** The runtime package itself: its libseccomp-bound SyscallFilter and compileLockdown. */
  libseccomp: LibseccompSide;
}

interface Settings {
  seed: number;
  profiles: number;
  calls: number;
  kernelProfiles: number;
  kernelCalls: number;
}

function intFrom(name: string, fallback: number): number {
  const text = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a non-negative integer (decimal or 0x…), got "${text}".`);
  return n;
}

function settings(): Settings {
  return {
    seed: intFrom('SECCOMP_DIFF_SEED', 0x5ecc2025) >>> 0,
    profiles: intFrom('SECCOMP_DIFF_PROFILES', 10_000),
    calls: 48,
    kernelProfiles: intFrom('SECCOMP_DIFF_KERNEL_PROFILES', 24),
    kernelCalls: 40,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function summary(runtime: string, s: Settings, stats: DiffStats, ms: number): string {
  return [
    `[${runtime}] compiler differential, seed 0x${s.seed.toString(16)} (SECCOMP_DIFF_SEED), ${seconds(ms)}:`,
    `  ${stats.compared} profiles compiled by both and compared (of ${stats.generated} drawn), ${stats.calls} calls, ${stats.traced} returns traced to their rule`,
    `  compiler refusals by reason: ${show(stats.refused)}; ${stats.bothRefused} of them refused by libseccomp too, as they must be`,
    `  not given to libseccomp 2.5 (it would loop building them): ${stats.libseccompWouldLoop}; refused by libseccomp only (known gaps): ${show(stats.refusedByLibseccompOnly)}`,
    `  calls where libseccomp's program departs from the rules and the compiler's follows them: ${show(stats.departures)}; where both depart alike: ${stats.bothDepart}`,
    ...Object.entries(stats.gapExamples).map(([k, v]) => `    first "${k}": ${v}`),
    ...Object.entries(stats.departureExamples).map(([k, v]) => `    first ${k}: ${v}`),
    `  time: ${Object.entries(stats.ms).map(([k, v]) => `${k} ${seconds(v)}`).join(', ')}`,
  ].join('\n');
}

function result<T>(o: ChildOutcome, what: string): T {
  assert.equal(o.error, undefined, `${what}: child failed: ${JSON.stringify(o.error)}\n${o.stderr.slice(0, 4000)}`);
  assert.equal(o.code, 0, `${what}: code=${o.code} signal=${o.signal} hung=${o.hung}\n${o.stderr.slice(0, 4000)}`);
  return o.result as T;
}

/** Profiles for the kernel sample, each first through the same differential as the rest. */
function kernelPlans(side: LibseccompSide, s: Settings): { plans: KernelPlan[]; stats: DiffStats } {
  const r = rng(s.seed ^ 0x6b65726e);
  const stats = emptyStats();
  const plans: KernelPlan[] = [];
  for (let i = 0; plans.length < s.kernelProfiles; i++) {
    assert.ok(i < s.kernelProfiles * 10, `only ${plans.length} of ${i} kernel-sample profiles compiled: ${show(stats.refused)}`);
    const where = `seed 0x${s.seed.toString(16)} kernel profile #${i}`;
    const m = marker(r);
    const profile = randomProfile(r, KERNEL_SHAPE);
    const calls = Array.from({ length: s.kernelCalls }, () => kernelCall(r, m, profile));
    stats.generated++;
    const out = checkProfile(side, profile, calls, stats, where);
    if ('compiled' in out) plans.push(kernelPlan(where, profile, out.compiled, calls, m));
  }
  return { plans, stats };
}

const CONTROL_BATCH = 400;

const describeCall = (c: ProbeCall): string => `nr=${c.nr} args=${c.args.map((a) => `0x${BigInt(a).toString(16)}`).join(',')}`;

async function kernelCheck(a: CompileDifferentialAdapter, s: Settings): Promise<void> {
  const started = performance.now();
  const { plans, stats } = kernelPlans(a.libseccomp, s);
  const run = (params: unknown) => runChild(a.command, 'rawCalls', params);
  // The control: the same calls with no filter. None may fail with a probe's code, so a
  // probe code seen under a filter can only be the filter's.
  const all = plans.flatMap((p) => [...p.calls, ...p.passThrough]);
  const free: number[] = [];
  // A few children: one argv string holds at most 128 KiB of JSON.
  for (let i = 0; i < all.length; i += CONTROL_BATCH) free.push(...result<number[]>(await run({ calls: all.slice(i, i + CONTROL_BATCH) }), 'control child'));
  assert.equal(free.length, all.length);
  assert.deepEqual(free.flatMap((e, i) => (e >= PROBE_CODES_FROM ? [`${describeCall(all[i]!)} → errno ${e}`] : [])), [], 'the calls fail with a probe code without any filter');
  const wrong: string[] = [];
  const seen = new Set<number>();
  for (const p of plans) {
    const errnos = result<number[]>(await run({ bpf: p.bpf, calls: [...p.calls, ...p.passThrough] }), p.where);
    assert.equal(errnos.length, p.calls.length + p.passThrough.length, p.where);
    p.calls.forEach((c, i) => {
      const kernel = kernelVerdict(p, errnos[i]!);
      seen.add(p.expected[i]!);
      if (kernel !== p.expected[i]) wrong.push(`${p.where} ${describeCall(c)}: kernel ${kernel === undefined ? `errno ${errnos[i]}` : `0x${kernel.toString(16)}`}, emulator 0x${p.expected[i]!.toString(16)}\nprofile ${show(p.profile)}`);
    });
    // With the marker's word wrong the guard lets the call through: never a probe code.
    errnos.slice(p.calls.length).forEach((e, i) => {
      if (e >= PROBE_CODES_FROM) wrong.push(`${p.where} ${describeCall(p.passThrough[i]!)}: errno ${e} without the marker`);
    });
  }
  assert.deepEqual(wrong, []);
  const calls = plans.reduce((n, p) => n + p.calls.length, 0);
  const sources = { rule: 0, default: 0, badArch: 0 };
  for (const p of plans) for (const k of p.sources) sources[k]++;
  console.log([
    `[${a.runtime}] kernel sample: ${plans.length} profiles, ${calls} calls made in children, each given the emulator's verdict (${seen.size} distinct verdicts; from ${sources.rule} rules, ${sources.default} defaults, ${sources.badArch} bad-arch actions); control children: ${all.length} calls, no probe code; ${seconds(performance.now() - started)}`,
    `  the sample through the differential first: ${stats.compared} of ${stats.generated} compared with libseccomp, refusals ${show(stats.refused)}, libseccomp-only refusals ${show(stats.refusedByLibseccompOnly)}, would loop ${stats.libseccompWouldLoop}, departures ${show(stats.departures)}`,
  ].join('\n'));
  assert.ok(seen.size >= 6, `the sample reached only ${seen.size} distinct verdicts`);
  assert.ok(sources.rule > 0 && sources.default > 0 && sources.badArch > 0, `the sample's verdicts come from ${show(sources)}`);
}

/** "set: name" entries as the distinct names. */
const namesOnly = (entries: readonly string[]): string => [...new Set(entries.map((e) => e.slice(e.lastIndexOf(' ') + 1)))].sort().join(', ');

function presetCheck(a: CompileDifferentialAdapter): void {
  const started = performance.now();
  const docker = dockerCases(a.libseccomp);
  const lock = lockdownCases(a.libseccomp);
  const bound = lock.cases.map((c) => boundToPid(c, 4242)).filter((c): c is PresetCase => c !== undefined);
  const lines: string[] = [];
  const diffs: string[] = [];
  let calls = 0;
  for (const c of [...docker.cases, ...lock.cases, ...bound]) {
    const r = compareAtEdges(c.profile, c.ours, c.theirs, c.endian);
    calls += r.calls;
    const swapped = r.byteSwapped ? `; libseccomp returned ${r.byteSwapped} of them byte-swapped (its big-endian multi-arch departure)` : '';
    lines.push(`  ${c.name}: ${c.ours.length / 8} instructions (libseccomp ${c.theirs.length / 8}), ${r.calls} calls${swapped}`);
    diffs.push(...r.diffs.map((d) => `${c.name}: ${d}`));
  }
  console.log([
    `[${a.runtime}] Docker's default and lockdown's filters at every number and edge: ${calls} calls, ${seconds(performance.now() - started)}`,
    ...lines,
    `  arches the compiler refused (left out of their set): ${docker.refused.length ? docker.refused.join('; ') : 'none'}`,
    `  names the loaded libseccomp's tables lack, left out of both sides: ${namesOnly([...docker.dropped, ...lock.dropped]) || 'none'}`,
  ].join('\n'));
  assert.deepEqual(diffs, []);
  assert.ok(docker.cases.length >= 3, `Docker's default compared on ${docker.cases.length} arch sets`);
  assert.ok(bound.length > 0, 'lockdown filters bound to a pid were compared');
}

export function defineCompileDifferential(a: CompileDifferentialAdapter): void {
  const s = settings();
  const t = (name: string, fn: () => Promise<void>) => a.test(`[${a.runtime}] compiler differential: ${name}`, fn);
  t(`${s.profiles} random profiles compiled by both: the compiler's verdict is libseccomp's for every call`, async () => {
    const started = performance.now();
    const stats = runRandomDifferential(a.libseccomp, { seed: s.seed, target: s.profiles, callsPerProfile: s.calls });
    console.log(summary(a.runtime, s, stats, performance.now() - started));
    assert.ok(stats.compared >= s.profiles);
  });
  const kernelName = `the kernel gives the emulator's verdict on a sample of ${a.arch} profiles (children of this runtime)`;
  if (kernelSampleRunsOn(a.arch)) t(kernelName, () => kernelCheck(a, s));
  else a.skip?.(`[${a.runtime}] compiler differential: ${kernelName}`, 'the sample is written for x86_64 and aarch64 calls');
  t("Docker's default and every lockdown preset: same verdict for every syscall number at every condition's edges", async () => presetCheck(a));
}
