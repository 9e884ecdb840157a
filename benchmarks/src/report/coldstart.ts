/** The cold-start group in the reports: its tables, its summary rows, its targets and its chart panel. */
import { COLD_STEPS, type ColdRuntimeResult, type ColdStep } from '../groups/coldstart.js';
import type { RuntimeName } from '../kit.js';
import { RUNTIMES } from '../runner/children.js';
import { table, us, x } from './format.js';
import type { Results } from './results.js';
import type { TargetVerdict } from './targets.js';

const WHO: Record<RuntimeName, string> = { node: 'Node', bun: 'Bun', deno: 'Deno' };

export const STEP_LABEL: Record<ColdStep, string> = {
  bare: 'bare start (an empty module)',
  'import-main': 'import, main entry',
  'import-lean': 'import, lean entry',
  'lockdown-main': 'main entry + lockdown()',
  'lockdown-lean': 'lean entry + lockdown()',
  'bpf-lean': 'lean entry + lockdown({ bpf })',
};

/** The limits on import + lockdown() (lean entry, in process), per runtime. */
export const ADDED_LIMIT_MS: Record<RuntimeName, number> = { node: 12, bun: 8, deno: 8 };
export const BPF_LIMIT = 1.5;
export const LIBSECCOMP_LIMIT = 2;

/** Nanoseconds as milliseconds. */
export const ms = (v: number | undefined): string => {
  if (v === undefined || Number.isNaN(v)) return '–';
  const m = v / 1e6;
  return Math.abs(m) >= 100 ? m.toFixed(0) : Math.abs(m) >= 10 ? m.toFixed(1) : m.toFixed(2);
};

const med = (g: ColdRuntimeResult, step: ColdStep, measure: string) => g.steps[step][measure]?.median;
const cTotal = (g: ColdRuntimeResult, mode: 'bpf' | 'libseccomp') => g.c[mode].total?.median;

/** lockdown()'s time in a step ÷ the C program doing the same steps. */
export function ratioToC(g: ColdRuntimeResult, step: 'lockdown-main' | 'lockdown-lean' | 'bpf-lean'): number {
  return med(g, step, 'lockdown')! / cTotal(g, step === 'bpf-lean' ? 'bpf' : 'libseccomp')!;
}

const measured = (r: Results) => RUNTIMES.flatMap((rt) => {
  const g = r.groups.coldstart?.runtimes[rt];
  return g ? [{ rt, g }] : [];
});

function runtimeTable(g: ColdRuntimeResult): string {
  const rows = COLD_STEPS.map((step) => {
    const ratio = step === 'lockdown-main' || step === 'lockdown-lean' || step === 'bpf-lean' ? x(ratioToC(g, step)) : '–';
    return [STEP_LABEL[step], ms(med(g, step, 'wall')), step === 'bare' ? '–' : `+${ms(med(g, step, 'added'))}`, ms(med(g, step, 'import')),
      ms(med(g, step, 'read')), ms(med(g, step, 'lockdown')), ms(med(g, step, 'inProcess') ?? med(g, step, 'import')), ratio];
  });
  rows.push(['C: the same steps, from the same file', ms(g.c.bpf.wall?.median), '–', '–', ms(g.c.bpf.read?.median), ms(cTotal(g, 'bpf')), '–', '1.00×']);
  rows.push(['C: the same steps, libseccomp building the filters', ms(g.c.libseccomp.wall?.median), '–', '–', '–', ms(cTotal(g, 'libseccomp')), '–', '1.00×']);
  return table(['step', 'wall: spawn → exit', 'added to a bare start', 'import', 'read the file', 'lockdown()', 'in process', 'lockdown() ÷ C'], rows);
}

function phaseTable(r: Results): string {
  const rows = measured(r).flatMap(({ rt, g }) => (['bpf', 'libseccomp'] as const).map((mode) => {
    const p = (name: string) => us(g.c[mode][name]?.median);
    return [`${WHO[rt]} preset, ${mode === 'bpf' ? 'from the file' : 'libseccomp'}`, p('decode'), p('guards'), p('build'), p('gen'), p('release'),
      p('bind'), p('scan'), p('attach'), p('verify'), p('total')];
  }));
  return table(['C program', 'split the file', 'guards', 'build', 'export', 'release', 'bind the pid', 'io_uring scan', 'attach ×2', 'thread check', 'total'], rows);
}

/** Markdown: the run's round count, one table per runtime under its preset's sizes, then C's phases. */
export function coldStartSection(r: Results): string {
  const group = r.groups.coldstart;
  if (!group) return '';
  const parts = [`Median of ${group.samples} round${group.samples === 1 ? '' : 's'} of fresh processes.`];
  for (const { rt, g } of measured(r)) {
    const sizes = `${g.instructions.typescript.join(' + ')} instructions (C with libseccomp: ${g.instructions.libseccomp.join(' + ')})`;
    parts.push('', `**${WHO[rt]}** (${g.preset} preset: ${sizes}; ${g.threads} threads and ${g.fds} fds at lockdown())`, '', runtimeTable(g));
  }
  parts.push('', '**C\'s steps** (µs, median)', '', phaseTable(r));
  return parts.join('\n');
}

/** README rows: per runtime, the cold start's added milliseconds and lockdown()'s ratios to C. */
export function coldStartSummaryRows(r: Results): string[][] {
  return measured(r).flatMap(({ rt, g }) => [
    [`Cold start, ${WHO[rt]}: import + lockdown(), lean / main entry (in process)`,
      `${ms(med(g, 'lockdown-lean', 'inProcess'))} / ${ms(med(g, 'lockdown-main', 'inProcess'))} ms`,
      `adds ${ms(med(g, 'lockdown-lean', 'added'))} / ${ms(med(g, 'lockdown-main', 'added'))} ms to a ${ms(med(g, 'bare', 'wall'))} ms bare start (spawn to exit)`],
    [`… lockdown({ bpf }) / lockdown() alone on ${WHO[rt]}, lean entry`,
      `${us(med(g, 'bpf-lean', 'lockdown'))} / ${us(med(g, 'lockdown-lean', 'lockdown'))} µs`,
      `${x(ratioToC(g, 'bpf-lean'))} of C's ${us(cTotal(g, 'bpf'))} µs / ${x(ratioToC(g, 'lockdown-lean'))} of C with libseccomp's ${us(cTotal(g, 'libseccomp'))} µs`],
  ]);
}

function ratioTarget(r: Results, target: string, step: 'bpf-lean' | 'lockdown-lean', limit: number): TargetVerdict {
  const rows = measured(r);
  const t: TargetVerdict = { target, status: 'not measured', detail: '' };
  if (rows.length < RUNTIMES.length) return t;
  t.status = rows.every(({ g }) => ratioToC(g, step) <= limit) ? 'met' : 'missed';
  t.detail = rows.map(({ rt, g }) => {
    const main = step === 'lockdown-lean' ? `; main entry ${x(ratioToC(g, 'lockdown-main'))}` : '';
    return `${rt} ${x(ratioToC(g, step))} (${us(med(g, step, 'lockdown'))} vs ${us(cTotal(g, step === 'bpf-lean' ? 'bpf' : 'libseccomp'))} µs${main})`;
  }).join('; ');
  return t;
}

/** The issue's cold-start targets: lockdown()'s two paths against C, and the milliseconds import + lockdown() add. */
export function coldStartTargets(r: Results): TargetVerdict[] {
  const added: TargetVerdict = {
    target: 'import + lockdown() adds ≤ 12 ms in process to a Node cold start, ≤ 8 ms on Bun and Deno (lean entry)',
    status: 'not measured',
    detail: '',
  };
  const rows = measured(r);
  if (rows.length === RUNTIMES.length) {
    added.status = rows.every(({ rt, g }) => med(g, 'lockdown-lean', 'inProcess')! <= ADDED_LIMIT_MS[rt] * 1e6) ? 'met' : 'missed';
    added.detail = rows.map(({ rt, g }) => `${rt} ${ms(med(g, 'lockdown-lean', 'inProcess'))} ms (import ${ms(med(g, 'lockdown-lean', 'import'))} + ` +
      `lockdown() ${ms(med(g, 'lockdown-lean', 'lockdown'))}; main entry ${ms(med(g, 'lockdown-main', 'inProcess'))}); wall added to a bare start: ` +
      `lean ${ms(med(g, 'lockdown-lean', 'added'))}, main ${ms(med(g, 'lockdown-main', 'added'))} ms`).join('; ');
  }
  return [
    ratioTarget(r, `lockdown({ bpf }) ≤ ${BPF_LIMIT}× C doing the same steps`, 'bpf-lean', BPF_LIMIT),
    ratioTarget(r, `lockdown() ≤ ${LIBSECCOMP_LIMIT}× C doing the same steps with libseccomp`, 'lockdown-lean', LIBSECCOMP_LIMIT),
    added,
  ];
}

/** The chart: what each step adds to a bare start, per runtime. */
export function coldStartPanel(r: Results): { title: string; rows: { label: string; bars: { series: string; value: number; text: string }[] }[] } | undefined {
  const rows = measured(r);
  if (!rows.length) return undefined;
  return {
    title: `Cold start: ms added to a bare start, spawn to exit (median of ${r.groups.coldstart!.samples} paired fresh processes)`,
    rows: COLD_STEPS.filter((step) => step !== 'bare').map((step) => ({
      label: STEP_LABEL[step],
      bars: rows.map(({ rt, g }) => {
        const v = med(g, step, 'added')! / 1e6;
        return { series: WHO[rt], value: Math.max(0, v), text: `${v >= 0 ? '+' : '−'}${ms(Math.abs(v) * 1e6)} ms` };
      }),
    })),
  };
}
