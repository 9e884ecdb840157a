/** The compile group in the reports: its tables, its summary rows, its targets and its chart panel. */
import { COMPILE_MODES, type CompileMode, type CompileSubjectResult } from '../groups/compile.js';
import type { CompileSubjectName } from '../groups/compile-subjects.js';
import { RUNTIMES } from '../runner/children.js';
import { table, us, x } from './format.js';
import type { Results } from './results.js';
import type { TargetVerdict } from './targets.js';

const WHO: Record<string, string> = { c: 'C', node: 'Node', bun: 'Bun', deno: 'Deno' };
const LOCKDOWN: CompileSubjectName[] = ['lockdown-args', 'lockdown-main'];

export function modeLabel(mode: CompileMode): string {
  if (mode === 'c') return 'C, libseccomp';
  const [kind, rt] = mode.split('-');
  return `${WHO[rt!]}, ${kind === 'ts' ? 'TypeScript compiler' : 'SDK (libseccomp)'}`;
}

const median = (s: CompileSubjectResult, mode: CompileMode, phase = 'total') => s.modes[mode][phase]?.median;
const ratioToC = (s: CompileSubjectResult, mode: CompileMode, phase = 'total') => median(s, mode, phase)! / median(s, 'c', phase)!;

function shape(s: CompileSubjectResult): string {
  const { typescript: t, libseccomp: l } = s.programs;
  const differ = s.sweep.tablesDiffer.length ? `; they differ only where libseccomp 2.5's tables do: ${s.sweep.tablesDiffer.join(', ')}` : '';
  return `${s.arches.join(', ')}${s.note ? ` (${s.note})` : ''}. TypeScript: ${t.instructions} instructions, longest path ${t.longestPath}; ` +
    `libseccomp: ${l.instructions}, longest path ${l.longestPath}. Same verdicts on ${s.sweep.calls} calls${differ}.`;
}

/** Markdown: the run's sample count, then one table per subject under its programs' sizes and verdict sweep. */
export function compileSection(r: Results): string {
  const g = r.groups.compile;
  if (!g) return '';
  const parts = [`Median of ${g.samples} fresh process${g.samples === 1 ? '' : 'es'} per subject and path.`];
  for (const s of Object.values(g.subjects)) {
    const rows = COMPILE_MODES.map((mode) => {
      const m = s.modes[mode];
      const work = mode.startsWith('ts') ? us(m.compile?.median) : us(m.build?.median);
      return [modeLabel(mode), us(m.open?.median), us(m.validate?.median), work, us(m.gen?.median), us(m.release?.median),
        us(m.total!.median), x(ratioToC(s, mode)), `${us(m.totalWarm?.median)} (${x(ratioToC(s, mode, 'totalWarm'))})`];
    });
    parts.push('', `**${s.label}**: ${shape(s)}`, '',
      table(['path', 'open', 'checks', 'compile / build', 'generation', 'release', 'total', '÷ C', 'again (÷ C again)'], rows));
  }
  return parts.join('\n');
}

/** README rows: Docker's default per path, lockdown's two filters summed, and the programs' sizes. */
export function compileSummaryRows(r: Results): string[][] {
  const g = r.groups.compile;
  if (!g) return [];
  const rows: string[][] = [];
  const docker = g.subjects.docker;
  if (docker) {
    const list = (kind: 'ts' | 'sdk') => RUNTIMES.map((rt) => `${kind}-${rt}` as const);
    rows.push([`Compile Docker's default (${docker.arches.join(', ')}) to BPF, C libseccomp`, `${us(median(docker, 'c'))} µs`, '1.00×']);
    for (const kind of ['ts', 'sdk'] as const) {
      rows.push([`… ${kind === 'ts' ? 'TypeScript compiler' : 'SDK through libseccomp'} on Node / Bun / Deno (fresh process)`,
        `${list(kind).map((m) => us(median(docker, m))).join(' / ')} µs`, list(kind).map((m) => x(ratioToC(docker, m))).join(' / ')]);
    }
  }
  const lockdown = LOCKDOWN.map((n) => g.subjects[n]).filter((s) => s !== undefined);
  if (lockdown.length === LOCKDOWN.length) {
    const sum = (mode: CompileMode) => lockdown.reduce((a, s) => a + median(s, mode)!, 0);
    const ts = RUNTIMES.map((rt) => `ts-${rt}` as const);
    rows.push(["Compile lockdown's two filters, TypeScript compiler on Node / Bun / Deno", `${ts.map((m) => us(sum(m))).join(' / ')} µs`,
      `${ts.map((m) => x(sum(m) / sum('c'))).join(' / ')} of C's ${us(sum('c'))} µs`]);
  }
  const sized = Object.values(g.subjects);
  if (sized.length) {
    rows.push(['BPF instructions, TypeScript / libseccomp: ' + sized.map((s) => s.label).join(' · '),
      sized.map((s) => `${s.programs.typescript.instructions} / ${s.programs.libseccomp.instructions}`).join(' · '),
      `longest path ${sized.map((s) => `${s.programs.typescript.longestPath} / ${s.programs.libseccomp.longestPath}`).join(' · ')}`]);
  }
  return rows;
}

/** The issue's compiler targets: ratios to C per runtime (cold, fresh process), and program sizes. */
export function compileTargets(r: Results): TargetVerdict[] {
  const g = r.groups.compile;
  const speed = (target: string, names: CompileSubjectName[], limit: number): TargetVerdict => {
    const t: TargetVerdict = { target, status: 'not measured', detail: '' };
    const subjects = names.map((n) => g?.subjects[n]).filter((s) => s !== undefined);
    if (subjects.length < names.length) return t;
    const rows = subjects.flatMap((s) => RUNTIMES.map((rt) => ({ s, rt, cold: ratioToC(s, `ts-${rt}`), warm: ratioToC(s, `ts-${rt}`, 'totalWarm') })));
    t.status = rows.every((row) => row.cold <= limit) ? 'met' : 'missed';
    t.detail = subjects.map((s) => `${s.label}: ${RUNTIMES.map((rt) => {
      const row = rows.find((o) => o.s === s && o.rt === rt)!;
      return `${rt} ${x(row.cold)} (again in the process: ${x(row.warm)})`;
    }).join(', ')}`).join('; ');
    return t;
  };
  const size: TargetVerdict = { target: "TypeScript compiler's programs no longer than libseccomp's (instructions and longest path)", status: 'not measured', detail: '' };
  const subjects = Object.values(g?.subjects ?? {});
  if (subjects.length) {
    const fits = (s: CompileSubjectResult) =>
      s.programs.typescript.instructions <= s.programs.libseccomp.instructions && s.programs.typescript.longestPath <= s.programs.libseccomp.longestPath;
    size.status = subjects.every(fits) ? 'met' : 'missed';
    size.detail = subjects.map((s) => `${s.label}: ${s.programs.typescript.instructions} vs ${s.programs.libseccomp.instructions} instructions, ` +
      `longest path ${s.programs.typescript.longestPath} vs ${s.programs.libseccomp.longestPath}`).join('; ');
  }
  return [
    speed("TypeScript compiler ≤ 1.0× native C for Docker's default (compile vs build + export)", ['docker'], 1.0),
    speed("TypeScript compiler ≤ 0.5× native C for lockdown's filters", LOCKDOWN, 0.5),
    size,
  ];
}

/** The chart: Docker's default per path. */
export function compilePanel(r: Results): { title: string; rows: { label: string; bars: { series: string; value: number; text: string }[] }[] } | undefined {
  const g = r.groups.compile;
  const docker = g?.subjects.docker;
  if (!docker) return undefined;
  return {
    title: `Docker's default (${docker.arches.join(', ')}) compiled to BPF (µs, median of ${g!.samples} fresh processes)`,
    rows: COMPILE_MODES.map((mode) => {
      const v = median(docker, mode)! / 1000;
      const series = mode === 'c' ? 'C' : WHO[mode.split('-')[1]!]!;
      return { label: modeLabel(mode), bars: [{ series, value: v, text: `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} µs` }] };
    }),
  };
}
