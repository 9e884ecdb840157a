/**
 * Times lockdown() in fresh processes, per runtime: with its default options (the SDK's
 * compiler; for these options the programs were compiled when the package was built), with
 * libseccomp (via: 'libseccomp'), a set precompiled with compileLockdown() and loaded with
 * lockdown({ bpf }), and compileLockdown() itself; then the cold start as a handler sees it:
 * the import of the main entry and of the lean one (…/lockdown), each plus lockdown(), and
 * lockdown() with options the table does not hold (compiled at the call). Every sample is a
 * new process, so each includes the first, lazy opening of the libraries.
 *
 * Usage (after `pnpm build`): pnpm --filter @seccomp/core measure:lockdown [runs per cell, default 25]
 * Prints two Markdown tables of medians, with min–max, for docs/lockdown.md.
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
  /** The main entry. */
  url: string;
  /** The lean entry (…/lockdown). */
  lean: string;
  version: string;
}

function runtimes(): Runtime[] {
  const bun = join(BIN, 'bun');
  const deno = join(BIN, 'deno');
  return [
    { name: 'node', argv: [process.execPath], cwd: ROOT, url: fileUrl('packages/node/dist/index.js'), lean: fileUrl('packages/node/dist/lockdown.js'), version: `Node ${process.version}` },
    { name: 'bun', argv: [bun], cwd: ROOT, url: fileUrl('packages/bun/dist/index.js'), lean: fileUrl('packages/bun/dist/lockdown.js'), version: `Bun ${execFileSync(bun, ['--version']).toString().trim()}` },
    {
      name: 'deno',
      argv: [deno, 'run', '-A'],
      cwd: join(ROOT, 'packages/deno'),
      url: fileUrl('packages/deno/src/index.ts'),
      lean: fileUrl('packages/deno/src/lockdown.ts'),
      version: execFileSync(deno, ['--version']).toString().split('\n')[0]!.replace(/^deno (\S+).*/, 'Deno $1'),
    },
  ];
}

function fileUrl(path: string): string {
  return new URL('file://' + join(ROOT, path)).href;
}

interface Sample {
  /** What lockdown() (or compileLockdown()) reports or took. */
  ms: number;
  /** The import of the entry, in the same process. */
  import: number;
}

function sample(rt: Runtime, mode: string, file: string, url = rt.url): Sample {
  const out = execFileSync(rt.argv[0]!, [...rt.argv.slice(1), CHILD, url, mode, file], { cwd: rt.cwd, env: { ...process.env, UV_USE_IO_URING: '0' } });
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
const coldRows: string[] = [];
const versions: string[] = [];
try {
  for (const rt of runtimes()) {
    versions.push(rt.version);
    const file = join(dir, `${rt.name}.bpf`);
    const cells = {
      compile: () => sample(rt, 'compile', file),
      typescript: () => sample(rt, 'typescript', file),
      libseccomp: () => sample(rt, 'libseccomp', file),
      bpf: () => sample(rt, 'bpf', file),
      custom: () => sample(rt, 'custom', file),
      leanTypescript: () => sample(rt, 'typescript', file, rt.lean),
      leanBpf: () => sample(rt, 'bpf', file, rt.lean),
    };
    const got = Object.fromEntries(Object.keys(cells).map((k) => [k, [] as Sample[]])) as Record<keyof typeof cells, Sample[]>;
    // Interleaved, so drift in the machine's load touches every path alike.
    for (let i = 0; i < runs; i++) for (const [k, f] of Object.entries(cells)) got[k as keyof typeof cells].push(f());
    const ms = (k: keyof typeof cells) => got[k].map((s) => s.ms);
    const imported = (k: keyof typeof cells) => got[k].map((s) => s.import);
    const both = (k: keyof typeof cells) => got[k].map((s) => s.import + s.ms);
    const ratio = (a: number[]) => `${(median(a) / median(ms('bpf'))).toFixed(1)}×`;
    rows.push(`| ${rt.name} | ${stats(ms('typescript'))} | ${stats(ms('libseccomp'))} | ${stats(ms('bpf'))} | ${ratio(ms('typescript'))} / ${ratio(ms('libseccomp'))} | ${stats(ms('compile'))} |`);
    coldRows.push(
      `| ${rt.name} | ${stats(imported('typescript'))} | ${stats(both('typescript'))} | ${stats(imported('leanTypescript'))} | ${stats(both('leanTypescript'))} | ${stats(both('leanBpf'))} | ${stats(ms('custom'))} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${versions.join(', ')}; libseccomp ${JSON.parse(execFileSync(process.execPath, ['-e', `import('${fileUrl('packages/node/dist/index.js')}').then(m => console.log(JSON.stringify(m.libraryVersion().text)))`]).toString())}; Linux ${kernel}; ${runs} fresh processes per cell; milliseconds, median (min–max)\n`);
console.log('| runtime | lockdown() | lockdown({ via: \'libseccomp\' }) | lockdown({ bpf }) | ratios to bpf | compileLockdown() |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log('\nThe cold start, in the same processes: the import, and the import plus lockdown(), through each entry.\n');
console.log('| runtime | import | import + lockdown() | lean import | lean import + lockdown() | lean import + lockdown({ bpf }) | lockdown({ deny: [\'sethostname\'] }), compiled at the call |');
console.log('|---|---|---|---|---|---|---|');
for (const r of coldRows) console.log(r);
