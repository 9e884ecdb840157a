/**
 * The cold-start group's child, one file for the three runtimes: `<runtime> cold.js <step> [file]`.
 * It imports nothing before its clock starts, so what it adds to a bare start (empty.js beside
 * it) is what it times — the import of an entry, then lockdown() — and printing one line.
 *   import-main, import-lean      import @seccomp/<runtime> or its lean entry @seccomp/<runtime>/lockdown
 *   lockdown-main, lockdown-lean  the same, then lockdown()
 *   bpf-lean                      the lean entry, then the file read, then lockdown({ bpf })
 *   check                         (not timed) the lean entry's compileLockdown() as hex, and the fds
 *                                 the process holds as lockdown() runs (the C baseline starts with
 *                                 as many, and as many threads as lockdown() verified)
 * Output: one report line (core's testing protocol, loaded once the timing is done), `{ result }`
 * with times in nanoseconds; a failure is `{ error }`, exit code 3.
 */
export {}; // a module: top-level await

interface LeanEntry {
  lockdown(options?: { bpf?: Uint8Array }): { via: string; threads: number; instructions: number; filters: number };
  compileLockdown(): Uint8Array;
}

const onDeno = typeof Deno !== 'undefined';
const runtime = onDeno ? 'deno' : typeof Bun !== 'undefined' ? 'bun' : 'node';
const [step = '', file = ''] = onDeno ? Deno.args : process.argv.slice(2);
/** performance.now() milliseconds → nanoseconds, as every group stores them. */
const ns = (from: number, to: number) => Math.round((to - from) * 1e6);

/** Node's and Bun's fs, loaded only where a step needs it (Deno has its own calls). */
const nodeFs = () => import('node:fs');

async function print(line: string): Promise<void> {
  let bytes = new TextEncoder().encode(`${line}\n`);
  const fs = onDeno ? undefined : await nodeFs();
  while (bytes.length > 0) bytes = bytes.subarray(fs ? fs.writeSync(1, bytes) : Deno.stdout.writeSync(bytes));
}

async function readBpf(path: string): Promise<Uint8Array> {
  return onDeno ? Deno.readFileSync(path) : new Uint8Array((await nodeFs()).readFileSync(path));
}

async function fdCount(): Promise<number> {
  return onDeno ? [...Deno.readDirSync('/proc/self/fd')].length : (await nodeFs()).readdirSync('/proc/self/fd').length;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

async function run(): Promise<Record<string, unknown>> {
  const lean = step.endsWith('-lean') || step === 'check';
  const t0 = performance.now();
  const sdk = (await import(`@seccomp/${runtime}${lean ? '/lockdown' : ''}`)) as LeanEntry;
  const t1 = performance.now();
  const times = { start: ns(0, t0), import: ns(t0, t1) };
  if (step.startsWith('import-')) return times;
  if (step === 'check') {
    const bpf = hex(sdk.compileLockdown());
    const fds = await fdCount();
    const { via, threads, instructions } = sdk.lockdown();
    return { bpf, fds, via, threads, instructions };
  }
  if (step === 'bpf-lean') {
    const bpf = await readBpf(file);
    const t2 = performance.now();
    const r = sdk.lockdown({ bpf });
    const t3 = performance.now();
    return { ...times, read: ns(t1, t2), lockdown: ns(t2, t3), via: r.via, threads: r.threads, instructions: r.instructions };
  }
  if (step === 'lockdown-main' || step === 'lockdown-lean') {
    const r = sdk.lockdown();
    const t2 = performance.now();
    return { ...times, lockdown: ns(t1, t2), via: r.via, threads: r.threads, instructions: r.instructions };
  }
  throw new Error(`unknown step ${step}`);
}

/** The report protocol, imported after the clocks stop: nothing it loads falls inside a timed step. */
const reports = () => import('@seccomp/core/testing/reports');

try {
  const result = await run();
  await print((await reports()).reportLine({ result }));
} catch (err) {
  const { errorReport, reportLine } = await reports();
  await print(reportLine({ error: errorReport(err, { stack: true }) }));
  if (onDeno) Deno.exit(3);
  else process.exit(3);
}
