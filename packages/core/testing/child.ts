/**
 * Entry point of every child process the conformance suite starts. The child imports the
 * runtime package under test (its URL is argv[0]), runs one scenario and reports JSON lines
 * on stdout (reports.ts), so the parent can see how far it got even when the kernel kills it.
 *
 * Usage: <runtime> child.js <package-url> <scenario> <params-json>
 */
import { SCENARIOS } from './scenarios.js';
import { LOCKDOWN_SCENARIOS } from './lockdown-scenarios.js';
import { errorReport, reportLine } from './reports.js';
import type { ScenarioApi } from './scenario-types.js';

declare const Deno: { args: string[]; exit(code: number): never } | undefined;

function argv(): string[] {
  if (typeof Deno !== 'undefined') return Deno.args;
  return (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
}

/**
 * Taken once, before any scenario loads a filter: Deno builds its `process` global on first
 * access, and that calls getppid(2). Touched first after a filter that sends getppid to a
 * supervisor (the notify scenario), it would block on the very report that starts one.
 */
const proc = (globalThis as unknown as { process: { stdout: { write(s: string): void }; exit(code: number): void } }).process;

export function report(value: unknown): void {
  // One write per line keeps lines whole even if the process dies right after.
  proc.stdout.write(`${reportLine(value)}\n`);
}

async function main(): Promise<void> {
  const [url, name, params] = argv();
  if (!url || !name) throw new Error('usage: child <package-url> <scenario> [params-json]');
  const scenario = SCENARIOS[name] ?? LOCKDOWN_SCENARIOS[name];
  if (!scenario) throw new Error(`unknown scenario ${name}`);
  const api = (await import(url)) as ScenarioApi;
  const result = await scenario(api, params ? JSON.parse(params) : {}, report);
  report({ done: true, result });
}

main().then(
  () => {
    // Exit explicitly: a filtered process may hold timers or threads that keep it alive.
    proc.exit(0);
  },
  (err: unknown) => {
    report({ error: errorReport(err) });
    proc.exit(3);
  },
);
