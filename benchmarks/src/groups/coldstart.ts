/**
 * Cold-start group: what lockdown() adds to a handler's cold start, per runtime, each sample a
 * fresh process started by the runner and timed from spawn to exit (wall), with the child's own
 * clock around the import and the call (entries/cold.ts). Steps, in this order every round:
 *   bare           an empty module (entries/empty.js): the runtime's own start
 *   import-main    import of the main entry, @seccomp/<runtime>
 *   import-lean    import of the lean entry, @seccomp/<runtime>/lockdown
 *   lockdown-main  the main entry, then lockdown()
 *   lockdown-lean  the lean entry, then lockdown()
 *   bpf-lean       the lean entry, then lockdown({ bpf }) from a file compileLockdown() wrote
 * What a step adds to a cold start is its wall time minus the same round's bare start. Beside
 * them, per runtime's preset, C doing lockdown()'s steps (native/coldstart.c): from the same
 * file, and with libseccomp building the same filters; its process is given the runtime's
 * thread and fd counts first. Rounds interleave runtimes and C, so drift spreads evenly.
 *
 * Before timing: each runtime's compileLockdown() must hold the programs the runner compiles
 * for that preset (its file is what both lockdown({ bpf }) and C load), and lockdown() must
 * report their size. Every timed sample is checked too: a JS child must report the path and
 * instruction count expected, and C must have attached exactly the checked programs.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLockdownBpf, seccomp } from '@seccomp/node';
import type { RuntimeName } from '../kit.js';
import { parseResult, RUNTIMES, runtimeCommand, runTimed } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { DIST_DIR, NATIVE_OUT } from '../runner/paths.js';
import { summary } from '../runner/stats.js';
import type { FilterSetName } from '../scenarios/profiles.js';

export const COLD_STEPS = ['bare', 'import-main', 'import-lean', 'lockdown-main', 'lockdown-lean', 'bpf-lean'] as const;
export type ColdStep = (typeof COLD_STEPS)[number];
export const C_COLD_MODES = ['bpf', 'libseccomp'] as const;
export type CColdMode = (typeof C_COLD_MODES)[number];

type Stats = ReturnType<typeof summary>;

export interface ColdRuntimeResult {
  preset: string;
  /** What the process held as lockdown() ran (from the check); C starts with as many. */
  threads: number;
  fds: number;
  /** Instructions per program: the SDK compiler's (what both lockdown() paths load) and libseccomp's (what C builds). */
  instructions: { typescript: number[]; libseccomp: number[] };
  /**
   * Step → measure → ns. wall: spawn to exit; added: wall minus the same round's bare wall;
   * start: the runtime's time origin to the child's first line; import, read, lockdown: the
   * child's clock around each; inProcess: import (+ read) + lockdown.
   */
  steps: Record<ColdStep, Record<string, Stats>>;
  /** C mode → phase → ns; total: lockdown()'s steps (not reading the file), and wall. */
  c: Record<CColdMode, Record<string, Stats>>;
}

export interface ColdStartResult {
  samples: number;
  runtimes: Partial<Record<RuntimeName, ColdRuntimeResult>>;
}

/** What the group checked before timing, per runtime: the files and the programs each path must load. */
export interface ColdSubject {
  runtime: RuntimeName;
  preset: string;
  bpfFile: string;
  specs: string[];
  threads: number;
  fds: number;
  programs: { typescript: Uint8Array[]; libseccomp: Uint8Array[] };
}

/** Core's lockdown/self.ts: the pid placeholder of the self-only rules, a JEQ's constant until lockdown() binds the pid. */
const SELF_PID_PLACEHOLDER = 0x5e1f5e1f;
const JMP_JEQ_K = 0x15;

/** A copy of a program with the pid bound in, as lockdown() (and C) load it. */
export function bindPid(program: Uint8Array, pid: number): Uint8Array {
  const out = program.slice();
  const dv = new DataView(out.buffer);
  for (let at = 0; at + 8 <= out.length; at += 8) {
    if (dv.getUint32(at + 4, true) === SELF_PID_PLACEHOLDER && dv.getUint16(at, true) === JMP_JEQ_K) dv.setUint32(at + 4, pid, true);
  }
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const sameProgram = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
const instructionsOf = (programs: Uint8Array[]) => programs.reduce((s, p) => s + p.length / 8, 0);

function coldArgv(runtime: RuntimeName, step: ColdStep | 'check', file?: string): string[] {
  const script = join(DIST_DIR, 'entries', step === 'bare' ? 'empty.js' : 'cold.js');
  return [...runtimeCommand(runtime), script, ...(step === 'bare' ? [] : [step]), ...(file ? [file] : [])];
}

/** No background update check in Deno's children: every sample starts alike. */
const COLD_ENV = { DENO_NO_UPDATE_CHECK: '1' };

function runChild<T>(argv: string[]): { wallNs: number; result: T } {
  const { wallNs, stdout } = runTimed(argv, COLD_ENV);
  return { wallNs, result: parseResult<T>(argv, { status: 0, signal: null, stderr: '', stdout }) };
}

interface CheckReport {
  bpf: string;
  fds: number;
  via: string;
  threads: number;
  instructions: number;
}

/** Throws unless a runtime's compileLockdown() holds the expected programs and its lockdown() loaded that many instructions. */
export function assertCheck(runtime: RuntimeName, got: CheckReport, expected: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(Buffer.from(got.bpf, 'hex'));
  const programs = decodeLockdownBpf(bytes).programs;
  if (programs.length !== expected.length || programs.some((p, i) => !sameProgram(p, expected[i]!))) {
    throw new Error(`${runtime}'s compileLockdown() and the runner's hold different programs for the ${runtime} preset: C would not load what the SDK loads`);
  }
  if (got.via !== 'typescript' || got.instructions !== instructionsOf(expected)) {
    throw new Error(`${runtime}'s lockdown() loaded ${got.instructions} instructions via ${got.via}; compileLockdown()'s programs have ${instructionsOf(expected)} (typescript)`);
  }
  return bytes;
}

function prepare(ctx: Context, runtime: RuntimeName): ColdSubject {
  const preset = runtime;
  const programs = {
    typescript: decodeLockdownBpf(seccomp.compileLockdown({ preset })).programs,
    libseccomp: decodeLockdownBpf(seccomp.compileLockdown({ preset, via: 'libseccomp' })).programs,
  };
  const report = runChild<CheckReport>(coldArgv(runtime, 'check')).result;
  const bytes = assertCheck(runtime, report, programs.typescript);
  const bpfFile = join(ctx.scratch, `coldstart-${runtime}.bpf`);
  writeFileSync(bpfFile, bytes);
  const specs = ctx.specFiles[`lockdown-${runtime}` as FilterSetName];
  return { runtime, preset, bpfFile, specs, threads: report.threads, fds: report.fds, programs };
}

/** A JS sample's numbers, once it reports the path and the size of what was loaded (else it throws). */
export function checkedChild(subject: Pick<ColdSubject, 'runtime' | 'programs'>, step: ColdStep, got: Record<string, number | string>): Record<string, number> {
  const { via, threads, instructions, ...times } = got;
  if (step === 'lockdown-main' || step === 'lockdown-lean' || step === 'bpf-lean') {
    const want = step === 'bpf-lean' ? 'bpf' : 'typescript';
    if (via !== want || instructions !== instructionsOf(subject.programs.typescript) || !((threads as number) >= 1)) {
      throw new Error(`${subject.runtime} ${step} loaded ${String(instructions)} instructions via ${String(via)} on ${String(threads)} threads; expected ${instructionsOf(subject.programs.typescript)} via ${want}`);
    }
  }
  const out = times as Record<string, number>;
  if ('lockdown' in out) out.inProcess = out.import! + (out.read ?? 0) + out.lockdown!;
  return out;
}

/** A C sample's phases, once it attached exactly the checked programs (pid bound in) in a process shaped like the runtime's (else it throws). */
export function checkedNative(subject: Pick<ColdSubject, 'runtime' | 'programs' | 'threads' | 'fds'>, mode: CColdMode, got: Record<string, unknown>): Record<string, number> {
  const { programs, pid, threads, fds, ...phases } = got;
  const expected = (mode === 'bpf' ? subject.programs.typescript : subject.programs.libseccomp).map((p) => hex(bindPid(p, Number(pid))));
  if (!Array.isArray(programs) || programs.join(',') !== expected.join(',')) {
    throw new Error(`C (${mode}, ${subject.runtime} preset) attached programs other than the checked ones`);
  }
  if (threads !== subject.threads || fds !== subject.fds) {
    throw new Error(`C (${mode}, ${subject.runtime} preset) had ${String(threads)} threads and ${String(fds)} fds, not the runtime's ${subject.threads} and ${subject.fds}`);
  }
  return phases as Record<string, number>;
}

function nativeSample(subject: ColdSubject, mode: CColdMode): Record<string, number> {
  const files = mode === 'bpf' ? [subject.bpfFile] : subject.specs;
  const argv = [join(NATIVE_OUT, 'coldstart'), mode, String(subject.threads), String(subject.fds), ...files];
  const { wallNs, stdout } = runTimed(argv);
  return { ...checkedNative(subject, mode, JSON.parse(stdout) as Record<string, unknown>), wall: wallNs };
}

function push(raw: Map<string, Record<string, number[]>>, key: string, values: Record<string, number>): void {
  const into = raw.get(key) ?? {};
  for (const [name, v] of Object.entries(values)) (into[name] ??= []).push(v);
  raw.set(key, into);
}

const summarise = (values: Record<string, number[]> | undefined) =>
  Object.fromEntries(Object.entries(values ?? {}).map(([name, v]) => [name, summary(v)]));

export function coldStartGroup(ctx: Context): ColdStartResult {
  const { samples } = ctx.plan.coldstart;
  const subjects = RUNTIMES.map((rt) => prepare(ctx, rt));
  ctx.log(`coldstart: programs checked (${subjects.map((s) => `${s.runtime}: ${instructionsOf(s.programs.typescript)} instructions, ` +
    `${s.threads} threads, ${s.fds} fds`).join('; ')})`);
  const raw = new Map<string, Record<string, number[]>>();
  const started = Date.now();
  for (let i = 0; i < samples; i++) {
    for (const subject of subjects) {
      let bare = 0;
      for (const step of COLD_STEPS) {
        const argv = coldArgv(subject.runtime, step, step === 'bpf-lean' ? subject.bpfFile : undefined);
        if (step === 'bare') {
          bare = runTimed(argv, COLD_ENV).wallNs; // prints nothing
          push(raw, `${subject.runtime} ${step}`, { wall: bare });
          continue;
        }
        const { wallNs, result } = runChild<Record<string, number | string>>(argv);
        push(raw, `${subject.runtime} ${step}`, { ...checkedChild(subject, step, result), wall: wallNs, added: wallNs - bare });
      }
    }
    for (const subject of subjects) for (const mode of C_COLD_MODES) push(raw, `${subject.runtime} c-${mode}`, nativeSample(subject, mode));
    if (i === 0 || (i + 1) % 10 === 0) ctx.log(`coldstart: ${i + 1}/${samples} rounds (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const result: ColdStartResult = { samples, runtimes: {} };
  for (const s of subjects) {
    result.runtimes[s.runtime] = {
      preset: s.preset,
      threads: s.threads,
      fds: s.fds,
      instructions: { typescript: s.programs.typescript.map((p) => p.length / 8), libseccomp: s.programs.libseccomp.map((p) => p.length / 8) },
      steps: Object.fromEntries(COLD_STEPS.map((step) => [step, summarise(raw.get(`${s.runtime} ${step}`))])) as ColdRuntimeResult['steps'],
      c: Object.fromEntries(C_COLD_MODES.map((mode) => [mode, summarise(raw.get(`${s.runtime} c-${mode}`))])) as ColdRuntimeResult['c'],
    };
  }
  return result;
}
