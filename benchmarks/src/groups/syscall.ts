/**
 * Group 3, syscall overhead: per filter configuration and runtime (and C), fresh children
 * each time getppid and a small file read, load the configuration's filters, and time them
 * again. Each difference and ratio comes from one process; the figures are their medians
 * over the processes. The no-filter control shows how much a process drifts between the two
 * measurements on its own: the noise floor of the run.
 */
import type { RuntimeName } from '../kit.js';
import { RUNTIMES, runNative, runScenario } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { median } from '../runner/stats.js';

export interface Timing {
  getppid: number;
  read: number;
}

export interface SyscallRun {
  before: Timing;
  after: Timing;
  /** Seccomp_filters of the least-filtered thread (JS runtimes). */
  filters?: number;
  threads?: number;
}

export type Who = 'c' | RuntimeName;
export const WHO: Who[] = ['c', ...RUNTIMES];

/** Medians over the processes of one configuration and runtime. */
export interface SyscallSummary {
  before: Timing;
  /** after − before, ns per call. */
  delta: Timing;
  /** after ÷ before. */
  ratio: Timing;
}

export interface SyscallConfigResult {
  id: string;
  label: string;
  runs: Partial<Record<Who, SyscallRun[]>>;
  summary: Partial<Record<Who, SyscallSummary>>;
}

function summarise(runs: readonly SyscallRun[]): SyscallSummary {
  const of = (f: (r: SyscallRun, op: keyof Timing) => number): Timing => ({
    getppid: median(runs.map((r) => f(r, 'getppid'))),
    read: median(runs.map((r) => f(r, 'read'))),
  });
  return { before: of((r, op) => r.before[op]), delta: of((r, op) => r.after[op] - r.before[op]), ratio: of((r, op) => r.after[op] / r.before[op]) };
}

export function syscallGroup(ctx: Context): SyscallConfigResult[] {
  const { processes, rounds, minCpuMs, cBatches, cIterations, configs } = ctx.plan.syscall;
  const results: SyscallConfigResult[] = configs.map((c) => ({ id: c.id, label: c.label, runs: {}, summary: {} }));
  // Process i of every configuration before process i+1 of any: drift spreads over all of them.
  for (let i = 0; i < processes; i++) {
    configs.forEach((config, k) => {
      const result = results[k]!;
      const specs = config.profiles.flatMap((p) => ctx.specFiles[p]);
      (result.runs.c ??= []).push(runNative<SyscallRun>('syscall', [String(cBatches), String(cIterations), ctx.smallFile, ...specs]));
      for (const runtime of RUNTIMES) {
        const params = { profiles: config.profiles, file: ctx.smallFile, minCpuMs, rounds, ...(config.lockdown && { lockdown: config.lockdown }) };
        const run = runScenario<SyscallRun>(runtime, 'syscall', params);
        if (run.filters !== specs.length) throw new Error(`${runtime} ${config.id}: a thread has ${run.filters} filters, expected ${specs.length}`);
        (result.runs[runtime] ??= []).push(run);
      }
    });
    ctx.log(`syscall: ${i + 1}/${processes} processes per configuration`);
  }
  for (const result of results) {
    for (const who of WHO) result.summary[who] = summarise(result.runs[who]!);
    const c = result.summary.c!;
    ctx.log(`syscall: ${result.id} C getppid ${c.delta.getppid >= 0 ? '+' : ''}${c.delta.getppid.toFixed(0)} ns, read ${c.delta.read >= 0 ? '+' : ''}${c.delta.read.toFixed(0)} ns`);
  }
  return results;
}
