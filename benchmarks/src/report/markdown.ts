/**
 * results.json → markdown. Each generated piece is a named region: docs/benchmarks.md (and the
 * README, for the summary) hold the prose and mark where each region goes (regions.ts);
 * results.md beside the JSON is the regions alone, under short headings, for any run.
 */
import type { Results } from './results.js';
import { runBrief, runDetails, summary } from './summary.js';
import { bpfTable, ffiTable, httpTable, loadTables, syscallTables, targetsTable } from './tables.js';
import { compileSection } from './compile.js';
import { coldStartSection } from './coldstart.js';

interface Region {
  name: string;
  /** The heading in results.md; the docs write their own. */
  title?: string;
  render(r: Results): string;
}

/** In the order results.md shows them. */
const REGIONS: readonly Region[] = [
  { name: 'run', render: runDetails },
  { name: 'run-brief', render: runBrief },
  { name: 'summary', title: 'Summary', render: summary },
  { name: 'targets', title: 'Targets', render: targetsTable },
  { name: 'ffi', title: '1. FFI overhead (ns per call, median)', render: ffiTable },
  { name: 'load', title: '2. Load cost (µs, median over fresh processes)', render: loadTables },
  { name: 'syscall', title: '3. Syscall overhead (ns per call added by the filters, and after ÷ before)', render: syscallTables },
  { name: 'bpf', title: "4. BPF instructions executed per syscall (core's emulator; deterministic)", render: bpfTable },
  { name: 'http', title: '5. End to end (requests per second)', render: httpTable },
  { name: 'compile', title: '6. Compile: profile → BPF bytes, nothing loaded (µs, median over fresh processes)', render: compileSection },
  { name: 'coldstart', title: '7. Cold start: a bare start, the import, and lockdown() (ms, median over rounds of fresh processes)', render: coldStartSection },
];

/** Every region this run has figures for (a group not run has none), by name. */
export function renderRegions(r: Results): Map<string, string> {
  const out = new Map<string, string>();
  for (const region of REGIONS) {
    const body = region.render(r);
    if (body) out.set(region.name, body);
  }
  return out;
}

/** results.md: the run's regions under their headings; what they measure is in docs/benchmarks.md. */
export function renderMarkdown(r: Results): string {
  const regions = renderRegions(r);
  const parts = [regions.get('run')!, 'How each table is measured, and what its columns mean: docs/benchmarks.md.'];
  for (const { name, title } of REGIONS) {
    const body = regions.get(name);
    if (title && body) parts.push(`### ${title}\n\n${body}`);
  }
  return `${parts.join('\n\n')}\n`;
}
