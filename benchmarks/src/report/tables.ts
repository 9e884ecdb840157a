/**
 * The tables of the FFI, load, syscall, BPF and end-to-end groups, with the lines that carry
 * this run's figures (sample counts, instruction counts). What each column means is prose in
 * docs/benchmarks.md, beside the marked region each table is written into.
 */
import { LOAD_MODES, LOCKDOWN_LOAD_SET, type LoadMode } from '../groups/load.js';
import { WHO } from '../groups/syscall.js';
import { RUNTIMES } from '../runner/children.js';
import { setLabel, type FilterSetName } from '../scenarios/profiles.js';
import { ns, pct, signed, table, us, x } from './format.js';
import type { Results } from './results.js';
import { WHO_LABEL } from './summary.js';
import { evaluateTargets } from './targets.js';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function targetsTable(r: Results): string {
  const rows = evaluateTargets(r).map((t) => [t.target, t.status.toUpperCase(), t.detail]);
  return table(['target', 'status', 'measured'], rows, ['l', 'l', 'l']);
}

export function ffiTable(r: Results): string {
  const f = r.groups.ffi;
  if (!f) return '';
  const rows: string[][] = [];
  for (const call of ['apiGet', 'resolveName'] as const) {
    const name = call === 'apiGet' ? '`seccomp_api_get()`' : '`seccomp_syscall_resolve_name_arch(0, "openat")`';
    rows.push([name, 'C', ns(f.c[call]), '–', '–', '–', '–', '–']);
    for (const rt of RUNTIMES) {
      const m = f.runtimes[rt];
      const sdk = m[`${call}/sdk`]!;
      rows.push(['', WHO_LABEL[rt]!, ns(m[`${call}/direct`]), ns(m[`${call}/raw`]), ns(sdk), x(sdk / m[`${call}/direct`]!), x(sdk / m[`${call}/raw`]!),
        call === 'resolveName' ? ns(m['resolveName/core-table']) : '–']);
    }
  }
  return table(['call', 'runtime', 'direct FFI', 'bound symbol', 'SDK', 'SDK ÷ direct', 'SDK ÷ bound', "core's table"], rows, ['l', 'l']);
}

const MODE_LABEL = (mode: LoadMode): string => {
  if (mode === 'c') return 'C, libseccomp';
  if (mode === 'c-bpf') return 'C, precompiled';
  const [kind, rt] = mode.split('-');
  return `${WHO_LABEL[rt!]}, ${kind === 'sdk' ? 'SDK (libseccomp)' : 'SDK loadBpf (precompiled)'}`;
};

const LOCKDOWN_MODE_LABEL = (mode: LoadMode): string => {
  if (mode === 'c') return 'C: build, export, seccomp(2) ×2';
  if (mode === 'c-bpf') return 'C, precompiled ×2';
  const [kind, rt] = mode.split('-');
  return `${WHO_LABEL[rt!]}, ${kind === 'sdk' ? 'lockdown()' : 'lockdown({ bpf })'}`;
};

/** One table per filter set, each under its name and program size. */
export function loadTables(r: Results): string {
  const l = r.groups.load;
  if (!l) return '';
  const parts = [`Median of ${plural(l.samples, 'fresh process', 'fresh processes')} per filter and path.`];
  for (const [target, modes] of Object.entries(l.profiles) as [FilterSetName, NonNullable<typeof l.profiles[FilterSetName]>][]) {
    const c = modes.c.total!.median;
    const lockdown = target === LOCKDOWN_LOAD_SET;
    const rows = LOAD_MODES.map((mode) => {
      const m = modes[mode];
      const label = lockdown ? LOCKDOWN_MODE_LABEL(mode) : MODE_LABEL(mode);
      const warm = m.buildWarm ? `${us(m.buildWarm.median)}${m.validateWarm ? ` (${us(m.validateWarm.median)})` : ''}` : us(m.attachWarm?.median);
      return [label, us(m.open?.median), us(m.build?.median), us(m.validate?.median), us(m.gen?.median), us(m.load?.median), us(m.read?.median),
        us(m.attach?.median), us(m.total!.median), x(m.total!.median / c), warm];
    });
    const title = lockdown ? 'lockdown() with the docker-default preset' : setLabel(target);
    parts.push('', `**${title}** (${r.check[target]?.instructions.join(' + ')} BPF instructions)`, '',
      table(['path', 'open', 'build', 'of which checks', 'generation', 'load', 'read', 'attach', 'total', '÷ C', 'again: build (checks) / attach'], rows));
  }
  return parts.join('\n');
}

/** The run's sampling, the control's before-times, then one table per measured call. */
export function syscallTables(r: Results): string {
  const s = r.groups.syscall;
  if (!s) return '';
  const { processes, rounds, cBatches } = r.plan.syscall;
  const parts = [
    `${plural(processes, 'fresh process', 'fresh processes')} per runtime and configuration; C: the fastest of ${cBatches} batches; ` +
      `JS: mitata's fastest sample over ${plural(rounds, 'measurement', 'alternating measurements')}.`,
  ];
  const control = s.find((c) => c.id === 'control');
  if (control) {
    const before = WHO.map((w) => {
      const sum = control.summary[w];
      return sum ? `${WHO_LABEL[w]} getppid ${ns(sum.before.getppid, 0)} ns, read ${ns(sum.before.read, 0)} ns` : '';
    });
    parts.push('', `Before loading (control): ${before.filter(Boolean).join('; ')}.`);
  }
  for (const op of ['getppid', 'read'] as const) {
    const rows = s.map((c) => [
      c.label,
      ...WHO.map((w) => {
        const sum = c.summary[w];
        return sum ? `${signed(sum.delta[op])} (${x(sum.ratio[op])})` : '–';
      }),
    ]);
    parts.push('', `**${op === 'getppid' ? 'getppid' : 'small file read'}**`, '', table(['filters', ...WHO.map((w) => WHO_LABEL[w]!)], rows));
  }
  return parts.join('\n');
}

export function bpfTable(r: Results): string {
  const b = r.groups.bpf;
  if (!b) return '';
  const rows = Object.values(b.sets).map((p) => [
    p.label,
    p.lengths.join(' + '),
    `${p.allowed.cacheable}/${p.allowed.count}`,
    `${p.allowed.mean.toFixed(1)} / ${p.allowed.max}`,
    p.allowed.effectiveMean.toFixed(1),
    p.argChecked.count
      ? `${p.argChecked.count}: ${p.argChecked.mean.toFixed(1)} / ${p.argChecked.max}${p.lengths.length > 1 ? ` (at most ${p.argChecked.byFilter.join(' + ')})` : ''}`
      : '–',
    p.denied.count ? `${p.denied.mean.toFixed(1)} / ${p.denied.max}` : '–',
    `${p.hot.getppid} · ${p.hot.openat} · ${p.hot.read}`,
  ]);
  return table(['filter', 'length', 'cacheable', 'allowed mean / max', 'effective mean', 'arg-checked', 'deny path', 'hot'], rows);
}

/** The servers and the load this run drove them with, then the table. */
export function httpTable(r: Results): string {
  const h = r.groups.http;
  if (!h) return '';
  const q = (v?: { median: number; p25: number; p75: number }) => (v ? `${x(v.median)} (${x(v.p25)}–${x(v.p75)})` : '–');
  const rows = RUNTIMES.map((rt) => {
    const res = h.runtimes[rt];
    const m = res?.median ?? {};
    const l = res?.ratio.lockdown;
    return [WHO_LABEL[rt]!, ns(m.none, 0), ns(m.lockdown, 0), q(l), l ? pct(1 - l.median) : '–', q(res?.ratio.control)];
  });
  const locked = h.variants.find((v) => v.id === 'lockdown')?.label ?? 'with lockdown';
  return [
    `${h.server}; \`GET ${h.path}\` on ${h.connections} keep-alive connections from a C load generator, ` +
      `${plural(r.plan.http.rounds, 'round', 'rounds')} of ${h.seconds} s per server.`,
    '',
    table(['runtime', 'without lockdown', locked, 'ratio (quartiles)', 'cost', 'control ratio (quartiles)'], rows),
  ].join('\n');
}
