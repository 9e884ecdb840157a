/**
 * Measures which syscalls each runtime makes while it serves HTTP after start-up, and writes
 * src/lockdown/measured.generated.ts. The presets in src/lockdown/presets.ts are written by
 * hand from these lists (as groups and names), and a unit test checks they cover them.
 *
 * For each runtime it starts scripts/presets/server-<runtime>.mjs under `strace -f`. The
 * server prints a marker where a service would call lockdown() (right after it listens);
 * everything any thread enters after that marker counts. Then this script drives the
 * server's routes (scripts/presets/workload.mjs) with concurrent keep-alive and fresh
 * connections, lets it idle, and asks it to exit.
 *
 * Usage (needs strace and the built packages: `pnpm build`):
 *   pnpm --filter @seccomp/core measure:presets           # all three runtimes
 *   pnpm --filter @seccomp/core measure:presets node bun  # some
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROUTES, MARKER } from './presets/workload.mjs';

type Runtime = 'node' | 'bun' | 'deno';
const RUNTIMES: Runtime[] = ['node', 'bun', 'deno'];
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here('../../../');
const BIN = join(ROOT, 'node_modules/.bin');
const OUT = here('../src/lockdown/measured.generated.ts');

interface Command {
  argv: string[];
  cwd: string;
  version: string;
}

function commandFor(runtime: Runtime): Command {
  const server = here(`./presets/server-${runtime}.mjs`);
  if (runtime === 'node') {
    return { argv: [process.execPath, server, join(ROOT, 'packages/node/dist/index.js')], cwd: ROOT, version: `Node ${process.version}` };
  }
  if (runtime === 'bun') {
    const bun = join(BIN, 'bun');
    return { argv: [bun, server, join(ROOT, 'packages/bun/dist/index.js')], cwd: ROOT, version: `Bun ${execFileSync(bun, ['--version']).toString().trim()}` };
  }
  const deno = join(BIN, 'deno');
  const version = execFileSync(deno, ['--version']).toString().split('\n')[0]!.replace(/^deno (\S+).*/, 'Deno $1');
  // Deno finds packages/deno/deno.json (and its node_modules) from the working directory.
  return { argv: [deno, 'run', '-A', server, join(ROOT, 'packages/deno/src/index.ts')], cwd: join(ROOT, 'packages/deno'), version };
}

async function get(port: number, path: string, close: boolean, body?: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body,
    headers: close ? { connection: 'close' } : {},
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} → ${res.status} ${text.slice(0, 200)}`);
}

/** Every route, several rounds, 4 concurrent clients each, keep-alive and fresh connections. */
async function exercise(ports: number[]): Promise<void> {
  for (let round = 0; round < 5; round++) {
    for (const port of ports) {
      const calls = ROUTES.flatMap((route) => [0, 1, 2, 3].map((i) => get(port, route, i % 2 === 1)));
      calls.push(get(port, '/json', false, JSON.stringify({ round })), get(port, '/json', true, '{"x":[1,2,3]}'));
      await Promise.all(calls);
    }
  }
  // Idle time: timers, the garbage collector and thread pools shrinking.
  await new Promise((r) => setTimeout(r, 3000));
}

function waitForMarker(child: ReturnType<typeof spawn>): Promise<number[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith(MARKER));
      if (line && out.includes('\n')) resolve(line.split(' ').slice(1).map(Number));
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}) before listening:\n${out}`)));
  });
}

const LINE = /^(\d+)\s+(\d+\.\d+)\s+(.*)$/;

/** Syscall names entered at or after the marker's write, by any thread. */
export function parseTrace(text: string): string[] {
  const lines = text.split('\n').map((l) => LINE.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  const mark = lines.find((m) => m[3]!.includes(MARKER));
  if (!mark) throw new Error('the marker write is not in the trace');
  const from = Number(mark[2]);
  const names = new Set<string>();
  for (const m of lines) {
    const body = m[3]!;
    // "<... futex resumed>" continues a call entered earlier; "---" and "+++" are signals and exits.
    if (Number(m[2]) < from || body.startsWith('<...') || body.startsWith('---') || body.startsWith('+++')) continue;
    const name = /^([a-z_0-9]+)\(/.exec(body)?.[1];
    if (name) names.add(name);
  }
  return [...names].sort();
}

interface Measured {
  measuredWith: string;
  syscalls: string[];
}

async function measure(runtime: Runtime, dir: string, kernel: string): Promise<Measured> {
  const cmd = commandFor(runtime);
  const trace = join(dir, `${runtime}.trace`);
  const child = spawn('strace', ['-f', '-qq', '-ttt', '-s', '48', '-o', trace, '--', ...cmd.argv], {
    cwd: cmd.cwd,
    env: { ...process.env, UV_USE_IO_URING: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ports = await waitForMarker(child);
  await exercise(ports);
  await get(ports[0]!, '/quit', true).catch(() => undefined);
  await exited;
  const syscalls = parseTrace(readFileSync(trace, 'utf8'));
  console.log(`${runtime}: ${syscalls.length} syscalls after the lockdown point (${cmd.version})`);
  return { measuredWith: `${cmd.version}, Linux ${kernel} ${process.arch === 'x64' ? 'x86_64' : process.arch}`, syscalls };
}

function render(results: Record<string, Measured>): string {
  const body = Object.entries(results)
    .map(([rt, r]) => {
      const names = r.syscalls.map((s) => `'${s}'`).join(', ');
      return `  ${rt}: {\n    measuredWith: '${r.measuredWith}',\n    syscalls: [${names}],\n  },`;
    })
    .join('\n');
  return `// GENERATED by packages/core/scripts/measure-presets.ts — do not edit by hand.
// Regenerate (needs strace and \`pnpm build\`): pnpm --filter @seccomp/core measure:presets
//
// Each list holds the syscalls any thread of the runtime entered after the point where a
// service calls lockdown() (right after it listens), while it served the routes of
// scripts/presets/workload.mjs under \`strace -f\`: its own server (node:http, Bun.serve,
// Deno.serve) and, for Bun and Deno, node:http too. The presets (presets.ts) must cover them.
export const MEASURED = {
${body}
} as const;
`;
}

async function main(): Promise<void> {
  const wanted = (process.argv.slice(2) as Runtime[]).filter((r) => RUNTIMES.includes(r));
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-presets-'));
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim().split('.').slice(0, 2).join('.');
  let previous: Partial<Record<Runtime, Measured>> = {};
  try {
    previous = (await import('../src/lockdown/measured.generated.js')).MEASURED as unknown as typeof previous;
  } catch {
    // First run: nothing to keep.
  }
  const results: Record<string, Measured> = {};
  try {
    for (const rt of RUNTIMES) {
      const kept = previous[rt];
      // Runtimes not asked for keep their last measurement.
      if (wanted.length && !wanted.includes(rt) && kept) results[rt] = { measuredWith: kept.measuredWith, syscalls: [...kept.syscalls] };
      else results[rt] = await measure(rt, dir, kernel);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(OUT, render(results));
  console.log(`wrote ${OUT}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
