/**
 * Group 5, end to end: requests per second of a minimal node:http server (the lockdown
 * example servers of issue 5 have not landed) on each runtime, without a filter and after
 * lockdown() with the runtime's preset. Both servers run side by side and the C load generator drives
 * them in alternation — A B, B A, … — so drift hits both alike. The ratio is the median over
 * rounds of each round's pair (the two runs back to back), which cancels slow drift better
 * than a ratio of medians; requests/s are medians over rounds.
 */
import type { ChildProcess } from 'node:child_process';
import type { RuntimeName } from '../kit.js';
import { PROFILES, type ProfileName } from '../scenarios/profiles.js';
import { RUNTIMES, runNative, startScenario, stopChild } from '../runner/children.js';
import type { Context } from '../runner/context.js';
import { median, quantile } from '../runner/stats.js';

interface LoadReport {
  requests: number;
  seconds: number;
  rps: number;
  errors: number;
}

export interface HttpRuntimeResult {
  /** Server variant ('none', 'lockdown' or a profile) → requests/s of each round. */
  rounds: Record<string, number[]>;
  median: Record<string, number>;
  /** Variant → median over rounds of (variant ÷ none) within the round, with its quartiles. */
  ratio: Record<string, { median: number; p25: number; p75: number }>;
  errors: number;
}

export interface HttpResult {
  server: string;
  connections: number;
  seconds: number;
  variants: { id: string; label: string }[];
  runtimes: Partial<Record<RuntimeName, HttpRuntimeResult>>;
}

export async function httpGroup(ctx: Context): Promise<HttpResult> {
  const { rounds, seconds, warmupSeconds, connections } = ctx.plan.http;
  const variants: { id: string; label: string; variant?: 'lockdown' | ProfileName }[] = [
    { id: 'none', label: 'no filter' },
    ...ctx.plan.http.variants.map((v) => ({ id: v, label: v === 'lockdown' ? "lockdown() (the runtime's preset)" : PROFILES[v].label, variant: v })),
  ];
  const result: HttpResult = {
    server: 'minimal node:http server (benchmarks/src/scenarios/serve.ts)',
    connections,
    seconds,
    variants: variants.map(({ id, label }) => ({ id, label })),
    runtimes: {},
  };
  for (const runtime of RUNTIMES) {
    const servers: { id: string; child: ChildProcess; port: number }[] = [];
    try {
      for (const v of variants) {
        const { child, report } = await startScenario<{ port: number; filtered: boolean }>(runtime, 'serve', v.variant ? { variant: v.variant } : {});
        servers.push({ id: v.id, child, port: report.port });
        if (report.filtered !== Boolean(v.variant)) throw new Error(`${runtime} ${v.id}: server reports filtered=${report.filtered}`);
      }
      const drive = (port: number, s: number) => runNative<LoadReport>('http-load', [String(port), String(connections), String(s)]);
      for (const s of servers) drive(s.port, warmupSeconds);
      const out: HttpRuntimeResult = { rounds: {}, median: {}, ratio: {}, errors: 0 };
      for (let r = 0; r < rounds; r++) {
        const order = r % 2 === 0 ? servers : [...servers].reverse();
        for (const s of order) {
          const rep = drive(s.port, seconds);
          (out.rounds[s.id] ??= []).push(rep.rps);
          out.errors += rep.errors;
        }
      }
      for (const [id, v] of Object.entries(out.rounds)) out.median[id] = median(v);
      for (const v of variants.filter((x) => x.id !== 'none')) {
        const pairs = out.rounds[v.id]!.map((rps, i) => rps / out.rounds.none![i]!);
        out.ratio[v.id] = { median: median(pairs), p25: quantile(pairs, 0.25), p75: quantile(pairs, 0.75) };
      }
      result.runtimes[runtime] = out;
      ctx.log(`http: ${runtime} ${Object.entries(out.median).map(([k, v]) => `${k} ${v.toFixed(0)}/s`).join(', ')}; ${Object.entries(out.ratio).map(([k, v]) => `${k} ${v.median.toFixed(3)}×`).join(', ')}`);
    } finally {
      for (const s of servers) await stopChild(s.child);
    }
  }
  return result;
}
