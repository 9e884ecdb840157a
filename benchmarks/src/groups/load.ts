/**
 * Group 2, load cost. Every sample is a fresh process; samples are interleaved (sample i of
 * every filter and mode before sample i+1) so slow drift of a noisy machine spreads evenly.
 * Modes: C through libseccomp, the SDK through libseccomp (per runtime), and a precompiled
 * program (the checked BPF) attached by C and by the SDK's loadBpf (per runtime).
 * lockdown() gets the same four modes: C runs its pipeline (build, export, attach both
 * filters with seccomp(2)); the SDK calls lockdown({ preset: "docker-default", via:
 * "libseccomp" }) — the same filters, built the same way — or lockdown({ bpf }) with what
 * compileLockdown() made in the runner. (The SDK's TypeScript compiler: the compile group.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seccomp, decodeLockdownBpf } from '@seccomp/node';
import type { RuntimeName } from '../kit.js';
import type { FilterSetName } from '../scenarios/profiles.js';
import { RUNTIMES, runNative, runScenario } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { summary } from '../runner/stats.js';

export type LoadMode = 'c' | `sdk-${RuntimeName}` | 'c-bpf' | `bpf-${RuntimeName}`;
export const LOAD_MODES: LoadMode[] = ['c', ...RUNTIMES.map((r) => `sdk-${r}` as const), 'c-bpf', ...RUNTIMES.map((r) => `bpf-${r}` as const)];

/** The lockdown rows: the docker-default preset, the one filter set C can build identically. */
export const LOCKDOWN_LOAD_SET: FilterSetName = 'lockdown-docker';

export type LoadTarget = FilterSetName;
type Stats = ReturnType<typeof summary>;

export interface LoadResult {
  samples: number;
  /** Filter → mode → phase → ns. Every mode has a `total`: build + load (libseccomp), build + generation + attach (C's lockdown pipeline), the attach, or the lockdown() call. */
  profiles: Partial<Record<LoadTarget, Record<LoadMode, Record<string, Stats>>>>;
}

/** What the ratios compare: the whole of what each mode does to get the filter in place. */
function total(got: Record<string, number>): number {
  if ('lockdown' in got) return got.lockdown!;
  if ('load' in got) return got.build! + got.load!;
  if ('build' in got) return got.build! + got.gen! + got.attach!;
  return got.attach!;
}

function sample(ctx: Context, target: LoadTarget, mode: LoadMode, lockdownBpf: string): Record<string, number> {
  const lockdown = target === LOCKDOWN_LOAD_SET;
  if (mode === 'c') return runNative('load', [lockdown ? 'compile' : 'libseccomp', ...ctx.specFiles[target]]);
  if (mode === 'c-bpf') return runNative('load', ['bpf', ...ctx.bpfFiles[target]!]);
  const [kind, runtime] = mode.split('-') as ['sdk' | 'bpf', RuntimeName];
  if (lockdown) return runScenario(runtime, 'load-lockdown', kind === 'sdk' ? { preset: 'docker-default' } : { bpfFile: lockdownBpf });
  return kind === 'sdk'
    ? runScenario(runtime, 'load-sdk', { profile: target })
    : runScenario(runtime, 'load-bpf', { file: ctx.bpfFiles[target]![0] });
}

/** compileLockdown()'s container for the docker-default preset, checked to hold the programs C builds. */
function lockdownContainer(ctx: Context): string {
  const bytes = seccomp.compileLockdown({ preset: 'docker-default', via: 'libseccomp' });
  const programs = decodeLockdownBpf(bytes).programs;
  const expected = ctx.bpf[LOCKDOWN_LOAD_SET]!;
  if (programs.length !== expected.length || programs.some((p, i) => Buffer.compare(Buffer.from(p), Buffer.from(expected[i]!)) !== 0)) {
    throw new Error('compileLockdown() does not hold the programs the C baseline builds for the docker-default preset');
  }
  const file = join(ctx.scratch, 'lockdown-docker.container.bpf');
  writeFileSync(file, bytes);
  return file;
}

export function loadGroup(ctx: Context): LoadResult {
  const { samples, profiles } = ctx.plan.load;
  const targets: LoadTarget[] = [...profiles, LOCKDOWN_LOAD_SET];
  const lockdownBpf = lockdownContainer(ctx);
  const raw = new Map<string, Record<string, number[]>>();
  const started = Date.now();
  for (let i = 0; i < samples; i++) {
    for (const target of targets) {
      for (const mode of LOAD_MODES) {
        const key = `${target} ${mode}`;
        const got = sample(ctx, target, mode, lockdownBpf);
        const into = raw.get(key) ?? {};
        for (const [phase, ns] of Object.entries(got)) if (phase !== 'instructions' && phase !== 'threads') (into[phase] ??= []).push(ns);
        (into.total ??= []).push(total(got));
        raw.set(key, into);
      }
    }
    if (i === 0 || (i + 1) % 10 === 0) ctx.log(`load: ${i + 1}/${samples} samples (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const result: LoadResult = { samples, profiles: {} };
  for (const target of targets) {
    const byMode = {} as Record<LoadMode, Record<string, Stats>>;
    for (const mode of LOAD_MODES) {
      byMode[mode] = Object.fromEntries(Object.entries(raw.get(`${target} ${mode}`)!).map(([phase, v]) => [phase, summary(v)]));
    }
    result.profiles[target] = byMode;
  }
  return result;
}
