/**
 * Group 3, syscall overhead: per filter configuration and runtime (and C), one fresh child
 * times getppid and a small file read, loads the configuration's filters, and times them
 * again. The difference and the ratio come from the same process; the no-filter control
 * shows how much a process drifts between the two measurements on its own.
 */
import type { RuntimeName } from '../kit.js';
import { RUNTIMES, runNative, runScenario } from '../runner/children.js';
import type { Context } from '../runner/context.js';

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

export interface SyscallConfigResult {
  id: string;
  label: string;
  runs: Partial<Record<Who, SyscallRun>>;
}

export function syscallGroup(ctx: Context): SyscallConfigResult[] {
  const { minCpuMs, cBatches, cIterations, configs } = ctx.plan.syscall;
  const out: SyscallConfigResult[] = [];
  for (const config of configs) {
    const result: SyscallConfigResult = { id: config.id, label: config.label, runs: {} };
    out.push(result);
    const specs = config.profiles.flatMap((p) => ctx.specFiles[p]);
    result.runs.c = runNative<SyscallRun>('syscall', [String(cBatches), String(cIterations), ctx.smallFile, ...specs]);
    for (const runtime of RUNTIMES) {
      const params = { profiles: config.profiles, file: ctx.smallFile, minCpuMs, ...(config.lockdown && { lockdown: config.lockdown }) };
      const run = runScenario<SyscallRun>(runtime, 'syscall', params);
      if (run.filters !== specs.length) throw new Error(`${runtime} ${config.id}: a thread has ${run.filters} filters, expected ${specs.length}`);
      result.runs[runtime] = run;
    }
    const c = result.runs.c;
    ctx.log(`syscall: ${config.id} C getppid ${c.before.getppid.toFixed(0)} → ${c.after.getppid.toFixed(0)} ns, read ${c.before.read.toFixed(0)} → ${c.after.read.toFixed(0)} ns`);
  }
  return out;
}
