/**
 * Group 5, end to end: requests per second of issue 5's lockdown example servers
 * (examples/node-lockdown, bun-lockdown, deno-lockdown: node:http with a Lambda-style handler,
 * Bun.serve, Deno.serve), each as it ships — lockdown({ readOnlyFs: true }) once listening — and
 * the same server with lockdown() made a no-op (src/stubs: a module hook, a Bun preload plugin,
 * a Deno import map; nothing else changes). The load is `GET /?action=hello`. When the examples
 * are missing, the minimal node:http server of scenarios/serve.ts stands in, and the results say so.
 *
 * Three servers run side by side — without lockdown, a second one without lockdown (the
 * control: what two identical servers differ by), and with lockdown — and the C load generator
 * drives them in turn, the order rotating every round, so drift and position hit all alike. A
 * ratio is the median over rounds of each round's ratio to the first server (runs close in
 * time), which cancels slow drift better than a ratio of medians; requests/s are medians.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RuntimeName } from '../kit.js';
import { RUNTIMES, runNative, startProcess, startScenario, stopChild } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { BENCH_DIR, DIST_DIR, REPO_DIR, runtimeBinary } from '../runner/paths.js';
import { median, quantile } from '../runner/stats.js';

interface LoadReport {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
}

export interface HttpRuntimeResult {
  /** Server variant ('none', 'control', 'lockdown') → requests/s of each round. */
  rounds: Record<string, number[]>;
  median: Record<string, number>;
  /** Variant ('control', 'lockdown') → median over rounds of (variant ÷ none) within the round, with its quartiles. */
  ratio: Record<string, { median: number; p25: number; p75: number }>;
  errors: number;
}

export interface HttpResult {
  server: string;
  path: string;
  connections: number;
  seconds: number;
  variants: { id: string; label: string }[];
  runtimes: Partial<Record<RuntimeName, HttpRuntimeResult>>;
}

const EXAMPLE = { node: 'node-lockdown', bun: 'bun-lockdown', deno: 'deno-lockdown' } as const;
const ENTRY = { node: 'server.mjs', bun: 'server.ts', deno: 'server.ts' } as const;
const REQUEST_PATH = '/?action=hello&name=bench';

const examplesPresent = () => RUNTIMES.every((rt) => existsSync(join(REPO_DIR, 'examples', EXAMPLE[rt], ENTRY[rt])));

/** Deno's "without lockdown" side: an import map pointing @seccomp/deno at a module whose lockdown() does nothing. */
function denoImportMap(ctx: Context): string {
  const real = pathToFileURL(realpathSync(join(BENCH_DIR, 'node_modules', '@seccomp', 'deno', 'dist', 'index.js'))).href;
  const stub = join(ctx.scratch, 'deno-no-lockdown.js');
  writeFileSync(stub, `export * from '${real}';\nexport function lockdown() { return { skipped: true }; }\n`);
  const map = join(ctx.scratch, 'deno-no-lockdown.json');
  writeFileSync(map, JSON.stringify({ imports: { '@seccomp/deno': pathToFileURL(stub).href } }));
  return map;
}

function exampleArgv(runtime: RuntimeName, locked: boolean, denoMap: string): string[] {
  const entry = ENTRY[runtime];
  switch (runtime) {
    case 'node':
      return [process.execPath, ...(locked ? [] : ['--import', join(DIST_DIR, 'stubs', 'node-register.js')]), entry];
    case 'bun':
      return [runtimeBinary('bun'), ...(locked ? [] : ['--preload', join(DIST_DIR, 'stubs', 'bun-preload.js')]), entry];
    case 'deno':
      return [runtimeBinary('deno'), 'run', '--allow-all', ...(locked ? [] : [`--import-map=${denoMap}`]), entry];
  }
}

interface Ready {
  port: number;
  /** What lockdown() reported: a LockdownResult, or { skipped: true } from the stub. */
  lockdown: { skipped?: boolean; threads?: number };
}

function startExample(runtime: RuntimeName, locked: boolean, denoMap: string): Promise<{ child: ChildProcess; report: Ready }> {
  const argv = exampleArgv(runtime, locked, denoMap);
  const what = `examples/${EXAMPLE[runtime]} ${locked ? 'with' : 'without'} lockdown`;
  return startProcess(what, argv, { cwd: join(REPO_DIR, 'examples', EXAMPLE[runtime]), env: { PORT: '0' } }, (line) => {
    if (!line.startsWith('{')) return undefined;
    const report = JSON.parse(line) as Ready & { ready?: boolean };
    if (!report.ready) return undefined;
    const ok = locked ? (report.lockdown.threads ?? 0) > 0 : report.lockdown.skipped === true;
    if (!ok) throw new Error(`reported lockdown ${JSON.stringify(report.lockdown)}`);
    return report;
  });
}

function startMinimal(runtime: RuntimeName, locked: boolean): Promise<{ child: ChildProcess; report: Ready }> {
  return startScenario<{ port: number; filtered: boolean }>(runtime, 'serve', locked ? { variant: 'lockdown' } : {}).then(({ child, report }) => {
    if (report.filtered !== locked) throw new Error(`${runtime}: the minimal server reports filtered=${report.filtered}`);
    return { child, report: { port: report.port, lockdown: locked ? { threads: 1 } : { skipped: true } } };
  });
}

export async function httpGroup(ctx: Context): Promise<HttpResult> {
  const { rounds, seconds, warmupSeconds, connections } = ctx.plan.http;
  const examples = examplesPresent();
  const denoMap = examples ? denoImportMap(ctx) : '';
  const variants = [
    { id: 'none', label: 'without lockdown', locked: false },
    { id: 'control', label: 'without lockdown, a second server (control)', locked: false },
    { id: 'lockdown', label: examples ? 'with lockdown({ readOnlyFs: true })' : "with lockdown() (the runtime's preset)", locked: true },
  ];
  const result: HttpResult = {
    server: examples
      ? "issue 5's lockdown example servers (examples/*-lockdown), as shipped and with lockdown() stubbed out"
      : 'a minimal node:http server (benchmarks/src/scenarios/serve.ts; the lockdown examples were missing)',
    path: examples ? REQUEST_PATH : '/',
    connections,
    seconds,
    variants: variants.map(({ id, label }) => ({ id, label })),
    runtimes: {},
  };
  for (const runtime of RUNTIMES) {
    const servers: { id: string; child: ChildProcess; port: number }[] = [];
    try {
      for (const v of variants) {
        const { child, report } = examples ? await startExample(runtime, v.locked, denoMap) : await startMinimal(runtime, v.locked);
        servers.push({ id: v.id, child, port: report.port });
      }
      const drive = (port: number, s: number) => runNative<LoadReport>('http-load', [String(port), String(connections), String(s), result.path]);
      for (const s of servers) drive(s.port, warmupSeconds);
      const out: HttpRuntimeResult = { rounds: {}, median: {}, ratio: {}, errors: 0 };
      for (let r = 0; r < rounds; r++) {
        const k = r % servers.length;
        const order = [...servers.slice(k), ...servers.slice(0, k)];
        for (const s of order) {
          const rep = drive(s.port, seconds);
          (out.rounds[s.id] ??= []).push(rep.rps);
          out.errors += rep.errors;
        }
      }
      for (const [id, v] of Object.entries(out.rounds)) out.median[id] = median(v);
      for (const id of ['control', 'lockdown']) {
        const pairs = out.rounds[id]!.map((rps, i) => rps / out.rounds.none![i]!);
        out.ratio[id] = { median: median(pairs), p25: quantile(pairs, 0.25), p75: quantile(pairs, 0.75) };
      }
      result.runtimes[runtime] = out;
      ctx.log(`http: ${runtime} without ${out.median.none!.toFixed(0)}/s, with lockdown ${out.median.lockdown!.toFixed(0)}/s; ` +
        `ratios: lockdown ${out.ratio.lockdown!.median.toFixed(3)}×, control ${out.ratio.control!.median.toFixed(3)}×`);
    } finally {
      for (const s of servers) await stopChild(s.child);
    }
  }
  return result;
}
