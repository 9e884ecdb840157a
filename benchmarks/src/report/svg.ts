/**
 * results.json → a self-contained SVG chart (no fonts or scripts to fetch): panels of
 * horizontal bars for load cost, syscall overhead and throughput. Written by hand to keep
 * the benchmarks free of chart dependencies.
 */
import { LOAD_MODES, LOCKDOWN_LOAD_SET, type LoadMode } from '../groups/load.js';
import { WHO } from '../groups/syscall.js';
import { RUNTIMES } from '../runner/children.js';
import type { FilterSetName } from '../scenarios/profiles.js';
import type { Results } from './results.js';
import { compilePanel } from './compile.js';
import { coldStartPanel } from './coldstart.js';

interface Bar {
  series: string;
  value: number;
  text: string;
}
interface Row {
  label: string;
  bars: Bar[];
}
interface Panel {
  title: string;
  rows: Row[];
}

const COLORS: Record<string, string> = { C: '#555555', Node: '#3c873a', Bun: '#c4790e', Deno: '#2b6cb0', 'without lockdown': '#bbbbbb' };
const WIDTH = 820;
const LABEL_W = 300;
const BAR_W = 400;
const BAR_H = 11;
const GAP = 3;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderPanel(panel: Panel, top: number): { svg: string; height: number } {
  const max = Math.max(1e-9, ...panel.rows.flatMap((r) => r.bars.map((b) => b.value)));
  const out = [`<text x="10" y="${top + 16}" class="title">${esc(panel.title)}</text>`];
  let y = top + 28;
  for (const row of panel.rows) {
    const h = row.bars.length * (BAR_H + 1);
    out.push(`<text x="${LABEL_W - 8}" y="${y + h / 2 + 4}" class="label" text-anchor="end">${esc(row.label)}</text>`);
    for (const bar of row.bars) {
      const w = Math.max(0, (bar.value / max) * BAR_W);
      out.push(`<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[bar.series] ?? '#888'}"><title>${esc(`${row.label} — ${bar.series}: ${bar.text}`)}</title></rect>`);
      out.push(`<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 2}" class="value">${esc(bar.text)}</text>`);
      y += BAR_H + 1;
    }
    y += GAP + 3;
  }
  return { svg: out.join('\n'), height: y - top + 6 };
}

const seriesOf = (mode: string): string => (mode.startsWith('c') ? 'C' : mode.endsWith('node') ? 'Node' : mode.endsWith('bun') ? 'Bun' : 'Deno');

/** One bar per load mode of a filter: its total (build + load, the attach, or the lockdown() call). */
function loadPanel(title: string, modes: NonNullable<NonNullable<Results['groups']['load']>['profiles'][FilterSetName]>, label: (mode: LoadMode) => string): Panel {
  const rows: Row[] = LOAD_MODES.map((mode) => {
    const v = modes[mode].total!.median / 1000;
    return { label: label(mode), bars: [{ series: seriesOf(mode), value: v, text: `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} µs` }] };
  });
  return { title, rows };
}

function panels(r: Results): Panel[] {
  const out: Panel[] = [];
  const load = r.groups.load;
  const docker = load?.profiles.docker;
  if (docker) {
    out.push(loadPanel(`Docker's default: build + load, or attach it precompiled (µs, median of ${load!.samples} fresh processes)`, docker, (mode) =>
      mode === 'c' ? 'C, libseccomp' : mode === 'c-bpf' ? 'C, precompiled' : `${seriesOf(mode)}, ${mode.startsWith('sdk') ? 'SDK (libseccomp)' : 'SDK loadBpf (precompiled)'}`));
  }
  const lockdown = load?.profiles[LOCKDOWN_LOAD_SET];
  if (lockdown) {
    out.push(loadPanel(`lockdown(), docker-default preset: the whole call (µs, median of ${load!.samples} fresh processes)`, lockdown, (mode) =>
      mode === 'c' ? 'C: build, export, attach' : mode === 'c-bpf' ? 'C, precompiled' : `${seriesOf(mode)}, ${mode.startsWith('sdk') ? 'lockdown()' : 'lockdown({ bpf })'}`));
  }
  const compile = compilePanel(r);
  if (compile) out.push(compile);
  const coldStart = coldStartPanel(r);
  if (coldStart) out.push(coldStart);
  const sys = r.groups.syscall;
  if (sys) {
    const rows: Row[] = sys
      .map((c) => ({
        label: c.label.replace(/ \(C: .*\)$/, ''),
        bars: WHO.filter((w) => c.summary[w]).map((w) => {
          const d = c.summary[w]!.delta.getppid;
          const series = w === 'c' ? 'C' : w[0]!.toUpperCase() + w.slice(1);
          return { series, value: Math.max(0, d), text: `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(0)} ns` };
        }),
      }));
    out.push({ title: 'getppid: ns added per call after loading the filters (median, same process before and after)', rows });
  }
  const http = r.groups.http;
  if (http) {
    const rows: Row[] = RUNTIMES.filter((rt) => http.runtimes[rt]).map((rt) => {
      const res = http.runtimes[rt]!;
      const series = rt[0]!.toUpperCase() + rt.slice(1);
      return {
        label: `${series} example server`,
        bars: [
          { series: 'without lockdown', value: res.median.none!, text: `${res.median.none!.toFixed(0)} req/s without lockdown` },
          { series, value: res.median.lockdown!, text: `${res.median.lockdown!.toFixed(0)} req/s with lockdown (paired ratio ${res.ratio.lockdown!.median.toFixed(2)})` },
        ],
      };
    });
    out.push({ title: 'Requests per second of the lockdown example servers, without and with lockdown() (medians of rounds)', rows });
  }
  return out;
}

export function renderSvg(r: Results): string {
  const e = r.environment;
  const body: string[] = [];
  let y = 8;
  for (const p of panels(r)) {
    const { svg, height } = renderPanel(p, y);
    body.push(svg);
    y += height;
  }
  const legend = Object.entries(COLORS)
    .map(([name, color], i) => `<rect x="${10 + i * 90}" y="${y + 4}" width="10" height="10" fill="${color}"/><text x="${24 + i * 90}" y="${y + 13}" class="label">${name}</text>`)
    .join('');
  const foot = `<text x="10" y="${y + 32}" class="foot">${esc(`${r.command} · ${e.date.slice(0, 10)} · kernel ${e.kernel} · ${e.cpu} ×${e.cores} · libseccomp ${e.libseccomp} · Node ${e.runtimes.node}, Bun ${e.runtimes.bun}, Deno ${e.runtimes.deno}`)}</text>`;
  const height = y + 44;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">
<style>.title{font-size:13px;font-weight:600}.label{font-size:11px}.value{font-size:10px;fill:#333}.foot{font-size:10px;fill:#666}</style>
<rect width="100%" height="100%" fill="#fff"/>
${body.join('\n')}
${legend}
${foot}
</svg>
`;
}
