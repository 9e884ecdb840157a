/**
 * FFI group, child side: a trivial libseccomp call and syscall-name resolution, each made
 * three ways — through the runtime's FFI bound by hand (direct), through the symbol the
 * SDK bound (raw: what `nativeOf(seccomp).sym` holds), and through the SDK's API — plus core's
 * offline table lookup, which needs no FFI at all. Rounds alternate the cases so drift in a
 * noisy machine hits them alike; each figure is the median over rounds of mitata's p50.
 */
import { measure } from 'mitata';
import type { Kit } from '../kit.js';

export interface FfiParams {
  rounds: number;
  minCpuMs: number;
}

export async function ffiScenario(kit: Kit, params: FfiParams): Promise<Record<string, number[]>> {
  const { seccomp, resolveSyscall, nativeArch } = kit.sdk;
  const arch = nativeArch();
  const sym = kit.sdk.nativeOf(seccomp).sym; // opens libseccomp once, outside the timed calls
  const apiGetRaw = sym.seccomp_api_get;
  const resolveRaw = sym.seccomp_syscall_resolve_name_arch;
  const { apiGet, resolveNameArch } = kit.direct();
  const openat = new TextEncoder().encode('openat\0');

  const expected = resolveNameArch(0, openat);
  const cases: Record<string, () => unknown> = {
    'apiGet/direct': () => apiGet(),
    'apiGet/raw': () => apiGetRaw(),
    'apiGet/sdk': () => seccomp.apiLevel(),
    'resolveName/direct': () => resolveNameArch(0, openat),
    'resolveName/raw': () => resolveRaw(0, openat),
    'resolveName/sdk': () => seccomp.syscallResolveName('openat'),
    'resolveName/core-table': () => resolveSyscall('openat', arch),
  };
  // The same answers through every path, before anything is timed.
  for (const [name, fn] of Object.entries(cases)) {
    const want = name.startsWith('apiGet') ? apiGet() : expected;
    if (fn() !== want) throw new Error(`${name} returned ${String(fn())}, expected ${want}`);
  }

  const out: Record<string, number[]> = {};
  for (let round = 0; round < params.rounds; round++) {
    for (const [name, fn] of Object.entries(cases)) {
      const stats = await measure(fn, { min_cpu_time: params.minCpuMs * 1e6 });
      (out[name] ??= []).push(stats.p50);
    }
  }
  return out;
}
