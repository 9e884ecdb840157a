/**
 * Command line: `pnpm bench [--quick] [--only=ffi,load,compile,coldstart,syscall,bpf,http] [--render]`.
 * --render measures nothing: it rewrites the markdown, the chart and the docs' tables from the
 * results.json already there (after a change to the reports).
 * --quick is the CI smoke run: every group and runtime, few samples, results under
 * benchmarks/results/quick/ (not committed). The full run writes benchmarks/results/ and
 * docs/benchmarks.svg, and refreshes the marked tables of docs/benchmarks.md and the README; a full run of
 * some groups (--only) writes benchmarks/results/partial/ instead (not committed), so it never
 * replaces the committed run with part of one.
 */
import { parseArgs as parseArgv } from 'node:util';

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

const USAGE = `usage: pnpm bench [--quick] [--only=${GROUPS.join(',')}] [--render]`;

export function parseArgs(argv: readonly string[]): Options {
  // A `--` is dropped wherever it stands: pnpm versions differ on passing one before the script's own arguments.
  const args = argv.filter((a) => a !== '--');
  let values: { quick?: boolean; render?: boolean; only?: string };
  try {
    ({ values } = parseArgv({ args, strict: true, allowPositionals: false, options: { quick: { type: 'boolean' }, render: { type: 'boolean' }, only: { type: 'string' } } }));
  } catch (err) {
    // parseArgs explains its own API; say what was typed wrong, and how the command is used.
    throw new Error(`${(err as Error).message}; ${USAGE}`);
  }
  let groups: GroupName[] = [...GROUPS];
  if (values.only !== undefined) {
    const wanted = values.only.split(',').filter(Boolean);
    const unknown = wanted.filter((g) => !(GROUPS as readonly string[]).includes(g));
    if (unknown.length) throw new Error(`unknown group(s) ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}`);
    groups = wanted as GroupName[];
  }
  return {
    quick: values.quick ?? false,
    render: values.render ?? false,
    groups,
    partial: new Set(groups).size < GROUPS.length,
    command: ['pnpm bench', ...args].join(' '),
  };
}
