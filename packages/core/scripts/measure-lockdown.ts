/**
 * Times lockdown() in fresh processes, per runtime: filters built at the call by the SDK's
 * compiler (the default) and by libseccomp (via: 'libseccomp'), against a set precompiled with
 * compileLockdown() and loaded with lockdown({ bpf }) (the cold-start path), and
 * compileLockdown() itself. Every sample is a
 * new process, so each includes the first, lazy opening of the libraries.
 *
 * Usage (after `pnpm build`): pnpm --filter @seccomp/core measure:lockdown [runs per cell, default 25]
 * Prints a Markdown table of medians, with min–max, for docs/lockdown.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const ROOT = here('../../../');
const CHILD = here('./lockdown-timing/child.mjs');
const BIN = join(ROOT, 'node_modules/.bin');

interface Runtime {
  name: string;
  argv: string[];
  cwd: string;
  url: string;
  version: string;
}

function runtimes(): Runtime[] {
  const bun = join(BIN, 'bun');
  const deno = join(BIN, 'deno');
  return [
    { name: 'node', argv: [process.execPath], cwd: ROOT, url: new URL('file://' + join(ROOT, 'packages/node/dist/index.js')).href, version: `Node ${process.version}` },
    { name: 'bun', argv: [bun], cwd: ROOT, url: new URL('file://' + join(ROOT, 'packages/bun/dist/index.js')).href, version: `Bun ${execFileSync(bun, ['--version']).toString().trim()}` },
    {
      name: 'deno',
      argv: [deno, 'run', '-A'],
      cwd: join(ROOT, 'packages/deno'),
      url: new URL('file://' + join(ROOT, 'packages/deno/src/index.ts')).href,
      version: execFileSync(deno, ['--version']).toString().split('\n')[0]!.replace(/^deno (\S+).*/, 'Deno $1'),
    },
  ];
}

function sample(rt: Runtime, mode: string, file: string): { ms: number } {
  const out = execFileSync(rt.argv[0]!, [...rt.argv.slice(1), CHILD, rt.url, mode, file], { cwd: rt.cwd, env: { ...process.env, UV_USE_IO_URING: '0' } });
  return JSON.parse(out.toString().trim().split('\n').pop()!);
}

function stats(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return `${median.toFixed(2)} (${s[0]!.toFixed(2)}–${s[s.length - 1]!.toFixed(2)})`;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

const runs = Number(process.argv[2] ?? 25);
const dir = mkdtempSync(join(tmpdir(), 'seccomp-lockdown-timing-'));
const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim().split('.').slice(0, 2).join('.');
const rows: string[] = [];
const versions: string[] = [];
try {
  for (const rt of runtimes()) {
    versions.push(rt.version);
    const file = join(dir, `${rt.name}.bpf`);
    const compile: number[] = [];
    const viaTs: number[] = [];
    const viaLib: number[] = [];
    const viaBpf: number[] = [];
    // Interleaved, so drift in the machine's load touches every path alike.
    for (let i = 0; i < runs; i++) {
      compile.push(sample(rt, 'compile', file).ms);
      viaTs.push(sample(rt, 'typescript', file).ms);
      viaLib.push(sample(rt, 'libseccomp', file).ms);
      viaBpf.push(sample(rt, 'bpf', file).ms);
    }
    const ratio = (a: number[]) => `${(median(a) / median(viaBpf)).toFixed(1)}×`;
    rows.push(`| ${rt.name} | ${stats(viaTs)} | ${stats(viaLib)} | ${stats(viaBpf)} | ${ratio(viaTs)} / ${ratio(viaLib)} | ${stats(compile)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${versions.join(', ')}; libseccomp ${JSON.parse(execFileSync(process.execPath, ['-e', `import('${new URL('file://' + join(ROOT, 'packages/node/dist/index.js')).href}').then(m => console.log(JSON.stringify(m.libraryVersion().text)))`]).toString())}; Linux ${kernel}; ${runs} fresh processes per cell; milliseconds, median (min–max)\n`);
console.log('| runtime | lockdown() | lockdown({ via: \'libseccomp\' }) | lockdown({ bpf }) | ratios to bpf | compileLockdown() |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
