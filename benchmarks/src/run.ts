/**
 * `pnpm bench [--quick] [--only=…]`: builds the native baselines, checks that every runtime
 * and C generate the same BPF, runs the groups, and writes the JSON results, the markdown
 * tables and the SVG chart. The runner never loads a filter itself: children do.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './runner/args.js';
import { createContext } from './runner/context.js';
import { collectEnvironment, currentLoadAverage } from './runner/env.js';
import { buildNative } from './runner/native.js';
import { BENCH_DIR, REPO_DIR } from './runner/paths.js';
import { FULL, QUICK } from './runner/plan.js';
import { checkBpf } from './groups/check.js';
import { bpfGroup } from './groups/bpf.js';
import { ffiGroup } from './groups/ffi.js';
import { loadGroup } from './groups/load.js';
import { compileGroup } from './groups/compile.js';
import { coldStartGroup } from './groups/coldstart.js';
import { syscallGroup } from './groups/syscall.js';
import { httpGroup } from './groups/http.js';
import type { Results } from './report/results.js';
import { renderMarkdown, renderRegions } from './report/markdown.js';
import { renderSvg } from './report/svg.js';
import { updateRegions } from './report/regions.js';

const started = Date.now();
const options = parseArgs(process.argv.slice(2));
const plan = options.quick ? QUICK : FULL;
const log = (m: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}\n`);
/** Only a full run of every group replaces the committed results and the docs' chart and tables. */
const official = !options.quick && !options.partial;
const outDir = join(BENCH_DIR, 'results', ...(options.quick ? ['quick'] : options.partial ? ['partial'] : []));

/**
 * Writes the markdown and the chart from results; a full run of every group also fills the
 * marked tables of docs/benchmarks.md (every one) and of the README (those it marks).
 */
function writeReports(results: Results): void {
  writeFileSync(join(outDir, 'results.md'), renderMarkdown(results));
  const svg = renderSvg(results);
  // The full run's chart is the one the docs show; quick and partial runs keep theirs beside their results.
  writeFileSync(official ? join(REPO_DIR, 'docs', 'benchmarks.svg') : join(outDir, 'benchmarks.svg'), svg);
  if (official) {
    const regions = renderRegions(results);
    updateRegions(join(REPO_DIR, 'docs', 'benchmarks.md'), regions, true);
    updateRegions(join(REPO_DIR, 'README.md'), regions);
  }
}

if (options.render) {
  writeReports(JSON.parse(readFileSync(join(outDir, 'results.json'), 'utf8')) as Results);
  log(`rendered ${outDir.replace(`${REPO_DIR}/`, '')}/results.md${official ? ', docs/benchmarks.svg, docs/benchmarks.md and README.md' : ''} from results.json`);
  process.exit(0);
}

buildNative();
const environment = collectEnvironment();
log(`kernel ${environment.kernel}, ${environment.cpu} × ${environment.cores}, libseccomp ${environment.libseccomp}, spec_store_bypass: ${environment.specStoreBypass}, load average ${environment.loadAverage.start.toFixed(2)}`);
const ctx = createContext(options, plan, log);
const groupSeconds: Record<string, number> = {};
const timed = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
  const t = Date.now();
  const out = await fn();
  groupSeconds[name] = (Date.now() - t) / 1000;
  log(`${name} done in ${groupSeconds[name]!.toFixed(1)} s`);
  return out;
};

try {
  const check = await timed('check', () => checkBpf(ctx));
  const results: Results = {
    schema: 1,
    command: options.command,
    quick: options.quick,
    environment,
    plan,
    check,
    groups: {},
    seconds: { total: 0, groups: groupSeconds },
  };
  const want = new Set(options.groups);
  if (want.has('bpf')) results.groups.bpf = await timed('bpf', () => bpfGroup(ctx));
  if (want.has('ffi')) results.groups.ffi = await timed('ffi', () => ffiGroup(ctx));
  if (want.has('load')) results.groups.load = await timed('load', () => loadGroup(ctx));
  if (want.has('compile')) results.groups.compile = await timed('compile', () => compileGroup(ctx));
  if (want.has('coldstart')) results.groups.coldstart = await timed('coldstart', () => coldStartGroup(ctx));
  if (want.has('syscall')) results.groups.syscall = await timed('syscall', () => syscallGroup(ctx));
  if (want.has('http')) results.groups.http = await timed('http', () => httpGroup(ctx));
  results.seconds.total = (Date.now() - started) / 1000;
  environment.loadAverage.end = currentLoadAverage();

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeReports(results);
  log(`wrote ${outDir.replace(`${REPO_DIR}/`, '')}/results.{json,md}${official ? ', docs/benchmarks.svg, docs/benchmarks.md and README.md' : ''} in ${results.seconds.total.toFixed(0)} s`);
} finally {
  ctx.cleanup();
}
