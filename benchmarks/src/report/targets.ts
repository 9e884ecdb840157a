/**
 * The targets of the benchmark issue, evaluated from one run's figures. A target is met,
 * missed, or pending (what it needs has not been measured); the detail says by how much.
 */
import { RUNTIMES } from '../runner/children.js';
import { setLabel, type FilterSetName } from '../scenarios/profiles.js';
import type { Results } from './results.js';
import { pct, x } from './format.js';
import { compileTargets } from './compile.js';
import { coldStartTargets } from './coldstart.js';

export interface TargetVerdict {
  target: string;
  /** inconclusive: the run's noise is larger than the target (the quartiles straddle it). */
  status: 'met' | 'missed' | 'inconclusive' | 'not measured';
  detail: string;
}

const worst = <T>(items: readonly T[], key: (t: T) => number) => items.reduce((a, b) => (key(b) > key(a) ? b : a));

function sdkVsC(r: Results): TargetVerdict[] {
  const load = r.groups.load;
  const sdk: TargetVerdict = { target: 'SDK libseccomp path ≤ 1.2× native C (build + load)', status: 'not measured', detail: '' };
  const bpf: TargetVerdict = { target: 'precompiled loadBpf ≤ 0.25× native C build + load', status: 'not measured', detail: '' };
  if (!load) return [sdk, bpf];
  const rows: { what: string; ratio: number }[] = [];
  const bpfRows: { what: string; ratio: number }[] = [];
  for (const [target, modes] of Object.entries(load.profiles) as [FilterSetName, NonNullable<typeof load.profiles[FilterSetName]>][]) {
    const c = modes.c.total!.median;
    for (const rt of RUNTIMES) {
      rows.push({ what: `${rt} ${setLabel(target)}`, ratio: modes[`sdk-${rt}`].total!.median / c });
      bpfRows.push({ what: `${rt} ${setLabel(target)}`, ratio: modes[`bpf-${rt}`].total!.median / c });
    }
  }
  const w = worst(rows, (t) => t.ratio);
  sdk.status = rows.every((t) => t.ratio <= 1.2) ? 'met' : 'missed';
  sdk.detail = `${rows.filter((t) => t.ratio <= 1.2).length}/${rows.length} runtime × filter pairs within 1.2×; worst ${w.what} ${x(w.ratio)}`;
  const docker = load.profiles.docker;
  if (docker) {
    const c = docker.c.total!.median;
    const warmC = docker.c.buildWarm!.median;
    sdk.detail += `. Docker's default: ${RUNTIMES.map((rt) => `${rt} ${x(docker[`sdk-${rt}`].total!.median / c)}`).join(', ')} cold; ` +
      `the build alone, repeated once in the same process: ${RUNTIMES.map((rt) => `${rt} ${x(docker[`sdk-${rt}`].buildWarm!.median / warmC)}`).join(', ')} of C's`;
  }
  const wb = worst(bpfRows, (t) => t.ratio);
  bpf.status = bpfRows.every((t) => t.ratio <= 0.25) ? 'met' : 'missed';
  bpf.detail = `${bpfRows.filter((t) => t.ratio <= 0.25).length}/${bpfRows.length} within 0.25×; worst ${wb.what} ${x(wb.ratio)}`;
  return [sdk, bpf];
}

const PRESET_SETS = ['lockdown-node', 'lockdown-bun', 'lockdown-deno', 'lockdown-docker'] as const;
const LAYOUTS = ['docker', 'docker-o2', 'docker-prio', 'argchk-o1', 'argchk-o2', 'argchk-prio'] as const;

function cache(r: Results): TargetVerdict[] {
  const bpf = r.groups.bpf;
  const cached: TargetVerdict = { target: 'every unconditionally allowed syscall of the presets is cacheable (0 instructions)', status: 'not measured', detail: '' };
  const args: TargetVerdict = { target: 'argument-checked syscalls run ≤ 16 instructions (best layout)', status: 'not measured', detail: '' };
  if (!bpf) return [cached, args];
  const presets = [...PRESET_SETS, ...PRESET_SETS.map((p) => `${p}-ro` as const)].map((p) => bpf.sets[p]).filter((p) => p !== undefined);
  if (presets.length) {
    cached.status = presets.every((p) => p.allowed.notCacheable.length === 0) ? 'met' : 'missed';
    cached.detail = presets.map((p) => `${p.label} ${p.allowed.cacheable}/${p.allowed.count}`).join('; ');
    const over = presets.filter((p) => p.argChecked.max > 16);
    args.status = over.length === 0 ? 'met' : 'missed';
    args.detail = presets.map((p) => `${p.label}: max ${p.argChecked.max} (${p.argChecked.names.join(', ')})`).join('; ');
  }
  const layouts = LAYOUTS.map((p) => bpf.sets[p]).filter((l) => l !== undefined && l.argChecked.count > 0);
  if (layouts.length) {
    args.detail += `. Docker's default by layout: ${layouts.map((l) => `${l!.label} max ${l!.argChecked.max}`).join('; ')}`;
  }
  return [cached, args];
}

function wrapper(r: Results): TargetVerdict[] {
  const ffi = r.groups.ffi;
  const t: TargetVerdict = { target: 'SDK wrapper ≤ 10 % over the raw FFI call, per runtime', status: 'not measured', detail: '' };
  if (!ffi) return [t];
  const rows: { what: string; direct: number; bound: number }[] = [];
  for (const rt of RUNTIMES) {
    const m = ffi.runtimes[rt];
    for (const call of ['apiGet', 'resolveName']) {
      rows.push({ what: `${rt} ${call}`, direct: m[`${call}/sdk`]! / m[`${call}/direct`]!, bound: m[`${call}/sdk`]! / m[`${call}/raw`]! });
    }
  }
  t.status = rows.every((row) => row.direct <= 1.1) ? 'met' : 'missed';
  t.detail = rows.map((row) => `${row.what} ${x(row.direct)} of direct FFI (${x(row.bound)} of the SDK's bound symbol)`).join('; ');
  return [t];
}

function throughput(r: Results): TargetVerdict[] {
  const http = r.groups.http;
  const t: TargetVerdict = { target: "lockdown costs ≤ 3 % of the example server's throughput", status: 'not measured', detail: '' };
  if (!http?.runtimes.node?.ratio.lockdown) return [t];
  const rows = RUNTIMES.map((rt) => ({ rt, q: http.runtimes[rt]!.ratio.lockdown! }));
  // Met when even the worse quartile of pairs costs at most 3 %; missed when even the better
  // quartile costs more; otherwise the round-to-round noise of the machine is larger than the target.
  const verdict = (q: { p25: number; p75: number }) => (1 - q.p25 <= 0.03 ? 'met' : 1 - q.p75 > 0.03 ? 'missed' : 'inconclusive');
  const verdicts = rows.map((row) => verdict(row.q));
  t.status = verdicts.includes('missed') ? 'missed' : verdicts.includes('inconclusive') ? 'inconclusive' : 'met';
  t.detail = `${http.server}: cost as the median of paired rounds (quartiles): ` +
    rows.map((row, i) => `${row.rt} ${pct(1 - row.q.median)} (${pct(1 - row.q.p75)} to ${pct(1 - row.q.p25)}): ${verdicts[i]}`).join('; ') +
    `. Two identical servers without lockdown (the control) differed by ${RUNTIMES.map((rt) => {
      const c = http.runtimes[rt]?.ratio.control;
      return c ? `${rt} ${pct(1 - c.median)} (${pct(1 - c.p75)} to ${pct(1 - c.p25)})` : `${rt} –`;
    }).join(', ')}`;
  return [t];
}

export function evaluateTargets(r: Results): TargetVerdict[] {
  return [...sdkVsC(r), ...compileTargets(r), ...coldStartTargets(r), ...cache(r), ...wrapper(r), ...throughput(r)];
}
