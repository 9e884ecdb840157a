/**
 * Starting the processes that do the measuring. Every process that loads a filter is a
 * fresh child — the runner itself never loads one — and each prints its result as one
 * report line, core's testing protocol (the native programs print bare JSON).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { parseReportLine, parseReports } from '@seccomp/core/testing/reports';
import type { RuntimeName } from '../kit.js';
import { BENCH_DIR, DIST_DIR, NATIVE_OUT, runtimeBinary } from './paths.js';

export const RUNTIMES: readonly RuntimeName[] = ['node', 'bun', 'deno'];

/** io_uring off, as the SDK's docs advise: work done in io_uring's kernel threads escapes seccomp. */
const CHILD_ENV = { ...process.env, UV_USE_IO_URING: '0' };

/** A runtime's command line up to the script. */
export function runtimeCommand(runtime: RuntimeName): string[] {
  switch (runtime) {
    case 'node':
      return [process.execPath];
    case 'bun':
      return [runtimeBinary('bun')];
    case 'deno':
      // -A: FFI, env (SECCOMP_LIBRARY_PATH), reads, and /proc for status().
      return [runtimeBinary('deno'), 'run', '-A', '--no-prompt'];
  }
}

export function runtimeArgv(runtime: RuntimeName): string[] {
  return [...runtimeCommand(runtime), join(DIST_DIR, 'entries', `${runtime}.js`)];
}

function describe(argv: readonly string[], r: { status: number | null; signal: string | null; stderr: string; stdout: string }): string {
  return `${argv.map((a) => a.replace(`${BENCH_DIR}/`, '')).join(' ')} exited ${r.status ?? r.signal}\n${r.stderr}${r.stdout}`.trim();
}

export function parseResult<T>(argv: readonly string[], r: { status: number | null; signal: string | null; stderr: string; stdout: string }): T {
  const parsed = parseReports(r.stdout)[0] as { result?: T; error?: { message?: string; stack?: string } } | undefined;
  if (r.status !== 0 || !parsed || parsed.error) {
    throw new Error(`${parsed?.error?.stack ?? parsed?.error?.message ?? 'no result'}\n${describe(argv, r)}`);
  }
  return parsed.result as T;
}

/** Runs one scenario in a fresh process of `runtime` and returns its result. */
export function runScenario<T>(runtime: RuntimeName, scenario: string, params: unknown = {}, timeoutMs = 120_000): T {
  const argv = [...runtimeArgv(runtime), scenario, JSON.stringify(params)];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: BENCH_DIR, env: CHILD_ENV, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return parseResult<T>(argv, r);
}

/**
 * Runs argv to its exit and times it from the spawn to the exit as the runner sees it (what
 * a process's start-up costs whoever starts it); throws unless it exits 0.
 */
export function runTimed(argv: readonly string[], env: Record<string, string> = {}, timeoutMs = 120_000): { wallNs: number; stdout: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: BENCH_DIR, env: { ...CHILD_ENV, ...env }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
  const wallNs = Number(process.hrtime.bigint() - t0);
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(describe(argv, r));
  return { wallNs, stdout: r.stdout };
}

/** Runs a native program built from native/*.c; its stdout is JSON (or raw bytes with `binary`). */
export function runNative<T>(program: string, args: readonly string[], timeoutMs = 120_000): T {
  const argv = [join(NATIVE_OUT, program), ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: BENCH_DIR, encoding: 'utf8', timeout: timeoutMs });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(describe(argv, r));
  return JSON.parse(r.stdout) as T;
}

export function runNativeBytes(program: string, args: readonly string[]): Uint8Array {
  const argv = [join(NATIVE_OUT, program), ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: BENCH_DIR, timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(describe(argv, { ...r, stdout: '', stderr: String(r.stderr) }));
  return new Uint8Array(r.stdout);
}

/**
 * Starts a long-running process (a server) and resolves once `ready` recognises a line of its
 * stdout, with the child and what `ready` made of the line.
 */
export function startProcess<T>(
  what: string,
  argv: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
  ready: (line: string) => T | undefined,
): Promise<{ child: ChildProcess; report: T }> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: { ...CHILD_ENV, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let done = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not report within 30 s\n${stderr}`));
    }, 30_000);
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (done) return;
      for (const line of stdout.split('\n').slice(0, -1)) {
        let report: T | undefined;
        try {
          report = ready(line);
        } catch (err) {
          done = true;
          clearTimeout(timer);
          reject(new Error(`${what}: ${(err as Error).message}\n${stderr}`));
          return;
        }
        if (report === undefined) continue;
        done = true;
        clearTimeout(timer);
        resolve({ child, report });
        return;
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`${what} exited ${code ?? signal} before reporting\n${stderr}${stdout}`));
    });
  });
}

/** A long-running scenario of a runtime entry (the minimal HTTP server): ready on its report line. */
export function startScenario<T>(runtime: RuntimeName, scenario: string, params: unknown): Promise<{ child: ChildProcess; report: T }> {
  const argv = [...runtimeArgv(runtime), scenario, JSON.stringify(params)];
  return startProcess(`${scenario} on ${runtime}`, argv, { cwd: BENCH_DIR }, (line) => {
    const parsed = parseReportLine(line) as (T & { error?: { message?: string } }) | undefined;
    if (parsed?.error) throw new Error(parsed.error.message);
    return parsed;
  });
}

/** Stops a child started by startScenario and waits for it to be gone. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** First line of `<argv> --version`-style output, or undefined. */
export function versionOf(argv: readonly string[]): string | undefined {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.trim() : undefined;
}
