/**
 * Group 1, FFI overhead: seccomp_api_get (a trivial call) and syscall-name resolution, per
 * runtime through a hand-made binding (direct), the SDK's bound symbol (raw) and the SDK's
 * API, with the C baseline in the same run. Figures are ns per call (median).
 */
import type { RuntimeName } from '../kit.js';
import { RUNTIMES, runNative, runScenario } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { median } from '../runner/stats.js';

export interface FfiResult {
  c: { apiGet: number; resolveName: number };
  runtimes: Record<RuntimeName, Record<string, number>>;
}

export function ffiGroup(ctx: Context): FfiResult {
  const { rounds, minCpuMs, cBatches, cIterations } = ctx.plan.ffi;
  const cRuns = Array.from({ length: rounds }, () => runNative<{ apiGet: number; resolveName: number }>('ffi', [String(cBatches), String(cIterations)]));
  const c = { apiGet: median(cRuns.map((r) => r.apiGet)), resolveName: median(cRuns.map((r) => r.resolveName)) };
  ctx.log(`ffi: C ${c.apiGet.toFixed(1)} / ${c.resolveName.toFixed(1)} ns`);
  const runtimes = {} as FfiResult['runtimes'];
  for (const runtime of RUNTIMES) {
    const raw = runScenario<Record<string, number[]>>(runtime, 'ffi', { rounds, minCpuMs });
    runtimes[runtime] = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, median(v)]));
    ctx.log(`ffi: ${runtime} ${Object.entries(runtimes[runtime]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  return { c, runtimes };
}
