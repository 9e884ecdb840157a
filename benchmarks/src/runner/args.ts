/**
 * Command line: `pnpm bench [--quick] [--only=ffi,load,compile,coldstart,syscall,bpf,http] [--render]`.
 * --render measures nothing: it rewrites the markdown, the chart and the docs block from the
 * results.json already there (after a change to the reports).
 * --quick is the CI smoke run: every group and runtime, few samples, results under
 * benchmarks/results/quick/ (not committed). The full run writes benchmarks/results/ and
 * docs/benchmarks.svg, and refreshes the generated part of docs/benchmarks.md; a full run of
 * some groups (--only) writes benchmarks/results/partial/ instead (not committed), so it never
 * replaces the committed run with part of one.
 */
export const GROUPS = ['bpf', 'ffi', 'load', 'compile', 'coldstart', 'syscall', 'http'] as const;
export type GroupName = (typeof GROUPS)[number];

export interface Options {
  quick: boolean;
  render: boolean;
  /** --only named fewer than every group. */
  partial: boolean;
  groups: GroupName[];
  /** The command as a user would type it, recorded with the results. */
  command: string;
}

export function parseArgs(argv: readonly string[]): Options {
  let quick = false;
  let render = false;
  let groups: GroupName[] = [...GROUPS];
  for (const a of argv) {
    if (a === '--quick') quick = true;
    else if (a === '--render') render = true;
    else if (a.startsWith('--only=')) {
      const wanted = a.slice(7).split(',').filter(Boolean);
      const unknown = wanted.filter((g) => !(GROUPS as readonly string[]).includes(g));
      if (unknown.length) throw new Error(`unknown group(s) ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}`);
      groups = wanted as GroupName[];
    } else if (a === '--') continue;
    else throw new Error(`unknown argument ${a}; usage: pnpm bench [--quick] [--only=${GROUPS.join(',')}] [--render]`);
  }
  return { quick, render, groups, partial: new Set(groups).size < GROUPS.length, command: ['pnpm bench', ...argv.filter((a) => a !== '--')].join(' ') };
}
