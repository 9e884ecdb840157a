/**
 * The parent side: start a child of the runtime under test, collect its reports, and tell
 * how it ended — exit code, signal, or hung with its main thread dead (a thread-only kill).
 * Uses node:child_process and node:fs, which Node, Bun and Deno all provide.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { parseReports, type ErrorReport } from './reports.js';

export interface ChildCommand {
  /** Executable and leading arguments, e.g. [node], [bun], [deno, run, -A]. */
  argv: string[];
  /** Absolute path of the built child entry (dist/testing/child.js). */
  entry: string;
  /** URL of the runtime package's entry, imported by the child. */
  packageUrl: string;
}

export interface ChildOutcome {
  code: number | null;
  signal: string | null;
  /** The child did not exit by itself within the timeout. */
  hung: boolean;
  /** When it hung: each thread's state letter from /proc (Z = dead, awaiting reaping). */
  threadStates?: Record<string, string>;
  reports: Record<string, unknown>[];
  /** The final result, when the scenario finished. */
  result?: unknown;
  error?: ErrorReport;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /**
   * The child is hung (killed, its threads' states kept) if it has not exited by then; default
   * 60 s, generous on purpose: it only bounds a child that should have ended, and an emulated
   * CPU on a loaded machine takes many times as long as real hardware.
   */
  timeoutMs?: number;
  /**
   * For children expected to hang: once the child has written its first stdout, it is hung if
   * it has not exited within this many ms. Until then timeoutMs applies, so a slow start (an
   * emulated CPU, a loaded machine) is not taken for the hang under test.
   */
  hangAfterOutputMs?: number;
  env?: Record<string, string>;
  /** Called with each report as it arrives (e.g. to start a supervisor). */
  onReport?: (report: Record<string, unknown>, pid: number) => void;
}

function threadStates(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      out[tid] = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    }
  } catch {
    // The process went away while we looked.
  }
  return out;
}

export function runChild(cmd: ChildCommand, scenario: string, params: unknown = {}, opts: RunOptions = {}): Promise<ChildOutcome> {
  const [exe, ...lead] = cmd.argv;
  return new Promise((resolve, reject) => {
    const child = spawn(exe!, [...lead, cmd.entry, cmd.packageUrl, scenario, JSON.stringify(params)], {
      env: { ...process.env, UV_USE_IO_URING: '0', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let seen = 0;
    let hung = false;
    let states: Record<string, string> | undefined;
    const giveUp = () => {
      hung = true;
      states = threadStates(child.pid!);
      child.kill('SIGKILL');
    };
    let timer = setTimeout(giveUp, opts.timeoutMs ?? 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout === '' && opts.hangAfterOutputMs !== undefined) {
        clearTimeout(timer);
        timer = setTimeout(giveUp, opts.hangAfterOutputMs);
      }
      stdout += d;
      // A report larger than one pipe read arrives in pieces: parse complete lines only.
      const reports = parseReports(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
      for (; seen < reports.length; seen++) opts.onReport?.(reports[seen]!, child.pid!);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const reports = parseReports(stdout);
      const done = reports.find((r) => r.done) as { result?: unknown } | undefined;
      const failed = reports.find((r) => r.error) as ChildOutcome['error'] extends infer E ? { error: E } : never;
      resolve({
        code, signal, hung, threadStates: states, reports, result: done?.result,
        error: failed?.error, stdout, stderr,
      });
    });
  });
}
