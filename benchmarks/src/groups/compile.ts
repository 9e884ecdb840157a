/**
 * Compile group: a profile to BPF bytes, nothing loaded — the SDK's TypeScript compiler
 * against the SDK's libseccomp path and against C building the same rules with libseccomp
 * and exporting them (native/compile.c). Every sample is a fresh process; samples are
 * interleaved (sample i of every subject and path before sample i+1) so drift spreads evenly.
 *
 * Before anything is timed: C's program must equal every runtime's libseccomp path byte for
 * byte, every runtime's TypeScript compiler must produce the runner's bytes, and the two
 * programs must answer alike for every syscall number of every arch (compile-verdicts.ts).
 * Each timed sample hands back its program too, and it must be the checked one.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sdk } from '../node-sdk.js';
import type { ArchName, Profile } from '@seccomp/node';
import type { RuntimeName } from '../kit.js';
import type { CompilerVia } from '../scenarios/compiler.js';
import { RUNTIMES, runNative, runNativeBytes, runScenario } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { profileToSpec } from '../runner/spec.js';
import { summary } from '../runner/stats.js';
import { compileSubjects, type CompileSubject, type CompileSubjectName } from './compile-subjects.js';
import { comparePrograms, type LibseccompNumber, type ProgramShape, type VerdictSweep } from './compile-verdicts.js';

export type CompileMode = 'c' | `ts-${RuntimeName}` | `sdk-${RuntimeName}`;
export const COMPILE_MODES: CompileMode[] = ['c', ...RUNTIMES.map((r) => `ts-${r}` as const), ...RUNTIMES.map((r) => `sdk-${r}` as const)];

type Stats = ReturnType<typeof summary>;

export interface CompileSubjectResult {
  label: string;
  arches: ArchName[];
  /** Why the arches are not the subject's full list, when they are not. */
  note?: string;
  programs: Record<CompilerVia, ProgramShape & { sha256: string }>;
  sweep: VerdictSweep;
  /** Mode → phase → ns. `total`: the compile call (TypeScript), build + gen (libseccomp, C); `totalWarm`: the same again in the process. */
  modes: Record<CompileMode, Record<string, Stats>>;
}

export interface CompileResult {
  samples: number;
  subjects: Partial<Record<CompileSubjectName, CompileSubjectResult>>;
}

/** A subject with its files for the children and C, and the programs they were checked to produce. */
export interface Prepared extends CompileSubject {
  json: string;
  spec: string;
  /** libseccomp's own numbers, where they can make its verdicts differ (a multi-arch profile). */
  libseccompNumber: LibseccompNumber;
  bytes: Record<CompilerVia, Uint8Array>;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function libseccompNumbers(profile: Profile, native: ArchName): LibseccompNumber {
  const arches = profile.arches ?? [];
  if (!arches.length || (arches.length === 1 && arches[0] === native)) return undefined;
  return (name, arch) => sdk.seccomp.syscallResolveName(name, arch);
}

function prepareSubject(ctx: Context, subject: CompileSubject): Prepared {
  const json = join(ctx.scratch, `compile-${subject.name}.json`);
  writeFileSync(json, JSON.stringify(sdk.profileToJSON(subject.profile)));
  const spec = join(ctx.scratch, `compile-${subject.name}.spec`);
  writeFileSync(spec, profileToSpec(subject.profile, ctx.arch, (name) => sdk.nativeOf(sdk.seccomp).libraryKnows(name)));
  const bytes = {
    typescript: sdk.compileProgram(sdk.validateProfile(subject.profile), { nativeArch: ctx.arch }).bytes,
    libseccomp: runNativeBytes('compile', ['export', spec]),
  };
  return { ...subject, json, spec, libseccompNumber: libseccompNumbers(subject.profile, ctx.arch), bytes };
}

/** Throws unless every runtime produced the expected bytes with both compilers. */
export function assertSameBytes(subjects: readonly Pick<Prepared, 'label' | 'bytes'>[], runtime: string, got: Record<CompilerVia, readonly string[]>): void {
  subjects.forEach((s, i) => {
    for (const via of ['typescript', 'libseccomp'] as const) {
      if (got[via][i] === hex(s.bytes[via])) continue;
      const whose = via === 'typescript' ? "the runner's TypeScript compiler" : 'the C baseline';
      throw new Error(`${runtime}'s ${via} path and ${whose} generate different BPF for ${s.label}: they would not measure the same work`);
    }
  });
}

function checkSubjects(ctx: Context): Prepared[] {
  const prepared = compileSubjects(sdk, ctx.arch).map((s) => prepareSubject(ctx, s));
  for (const runtime of RUNTIMES) {
    assertSameBytes(prepared, runtime, runScenario<Record<CompilerVia, string[]>>(runtime, 'compiler-check', { files: prepared.map((p) => p.json) }));
  }
  return prepared;
}

/** A sample's phases, once the program it handed back is the checked one (else it throws). */
export function checkedPhases(subject: Pick<Prepared, 'label' | 'bytes'>, mode: CompileMode, got: Record<string, number | string>): Record<string, number> {
  const via: CompilerVia = mode.startsWith('ts-') ? 'typescript' : 'libseccomp';
  const { hex: program, ...phases } = got;
  if (program !== hex(subject.bytes[via])) throw new Error(`${mode} compiled ${subject.label} to a program other than the checked one`);
  return phases as Record<string, number>;
}

/** One sample in a fresh process. */
function sample(subject: Prepared, mode: CompileMode): Record<string, number> {
  if (mode === 'c') return checkedPhases(subject, mode, runNative('compile', ['time', subject.spec]));
  const [kind, runtime] = mode.split('-') as ['ts' | 'sdk', RuntimeName];
  const via: CompilerVia = kind === 'ts' ? 'typescript' : 'libseccomp';
  return checkedPhases(subject, mode, runScenario(runtime, 'compiler-sample', { file: subject.json, via }));
}

/** What the ratios compare: the compiler's work, without validation or release. */
function totals(got: Record<string, number>): { total: number; totalWarm: number } {
  if ('compile' in got) return { total: got.compile!, totalWarm: got.compileWarm! };
  return { total: got.build! + got.gen!, totalWarm: got.buildWarm! + got.genWarm! };
}

export function compileGroup(ctx: Context): CompileResult {
  const { samples } = ctx.plan.compile;
  const prepared = checkSubjects(ctx);
  const compared = new Map(prepared.map((p) => [p.name, comparePrograms(p.profile, p.arches, p.bytes.typescript, p.bytes.libseccomp, p.libseccompNumber)]));
  ctx.log(`compile: programs checked (${prepared.map((p) => {
    const { calls, tablesDiffer } = compared.get(p.name)!.sweep;
    return `${p.label}: ${calls} calls alike${tablesDiffer.length ? ` but for ${tablesDiffer.length} syscalls where libseccomp's tables differ` : ''}`;
  }).join('; ')})`);
  const raw = new Map<string, Record<string, number[]>>();
  const started = Date.now();
  for (let i = 0; i < samples; i++) {
    for (const subject of prepared) {
      for (const mode of COMPILE_MODES) {
        const got = sample(subject, mode);
        const into = raw.get(`${subject.name} ${mode}`) ?? {};
        for (const [phase, ns] of Object.entries({ ...got, ...totals(got) })) (into[phase] ??= []).push(ns);
        raw.set(`${subject.name} ${mode}`, into);
      }
    }
    if (i === 0 || (i + 1) % 10 === 0) ctx.log(`compile: ${i + 1}/${samples} samples (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const result: CompileResult = { samples, subjects: {} };
  for (const p of prepared) {
    const { ours, theirs, sweep } = compared.get(p.name)!;
    const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    const modes = Object.fromEntries(COMPILE_MODES.map((mode) => [mode,
      Object.fromEntries(Object.entries(raw.get(`${p.name} ${mode}`)!).map(([phase, v]) => [phase, summary(v)]))])) as CompileSubjectResult['modes'];
    result.subjects[p.name] = {
      label: p.label,
      arches: p.arches,
      ...(p.note && { note: p.note }),
      programs: { typescript: { ...ours, sha256: sha256(p.bytes.typescript) }, libseccomp: { ...theirs, sha256: sha256(p.bytes.libseccomp) } },
      sweep,
      modes,
    };
  }
  return result;
}
