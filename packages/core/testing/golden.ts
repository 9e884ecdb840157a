/**
 * Golden BPF. The fixture profiles in golden/fixtures/ (SDK profile JSON) are compiled by the
 * runtime under test, in a child process, and the bytes must equal the golden files recorded
 * in golden/manifest.json. Node, Bun and Deno are held to the same files, so the three
 * backends cannot drift apart, and a change in core that alters a program shows up here.
 *
 * libseccomp generates the program, so the bytes belong to one libseccomp version, and to
 * one host arch (names resolve to that arch's numbers first). The manifest keeps one set per
 * version and arch; with none for the loaded library the tests are skipped, saying why.
 * scripts/golden.ts writes fixtures, sets and manifest; golden/README.md says when to run it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { disassembleLines } from '../src/bpf/index.js';
import type { ChildCommand, ChildOutcome, RunOptions } from './harness.js';
import { parseReports } from './reports.js';
import type { SuiteAdapter } from './suite-types.js';

/** One golden file: hashes tie it to the fixture it was compiled from. */
export interface GoldenFile {
  /** sha256 of the fixture JSON file it was compiled from. */
  fixture: string;
  /** sha256 of the BPF. */
  sha256: string;
  bytes: number;
}

/** The golden files one libseccomp version produced on one host arch. */
export interface GoldenSet {
  libseccomp: string;
  arch: string;
  /** Folder under golden/ holding `<fixture>.bpf`. */
  dir: string;
  files: Record<string, GoldenFile>;
}

export interface GoldenManifest {
  comment: string;
  sets: GoldenSet[];
}

/** What the `golden` scenario returns: each fixture's BPF as hex. */
export interface GoldenOutput {
  libseccomp: string;
  arch: string;
  outputs: Record<string, string>;
}

type Run = (scenario: string, params?: unknown, opts?: RunOptions) => Promise<ChildOutcome>;

export const REGENERATE = 'pnpm --filter @seccomp/core golden (see packages/core/testing/golden/README.md)';

/** packages/core/testing/golden, found from here whether this runs from source or from dist/. */
export function findGoldenDir(from: string = import.meta.url): string | undefined {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'testing', 'golden');
    if (existsSync(join(candidate, 'manifest.json'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export function goldenSetDir(libseccomp: string, arch: string): string {
  return `libseccomp-${libseccomp}-${arch}`;
}

export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function readManifest(dir: string): GoldenManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as GoldenManifest;
}

/** Fixture name → absolute path of its JSON, sorted by name. */
export function fixtureFiles(dir: string): Record<string, string> {
  const fixtures = join(dir, 'fixtures');
  const files = existsSync(fixtures) ? readdirSync(fixtures).filter((f) => f.endsWith('.json')) : [];
  const names = files.map((f) => f.slice(0, -'.json'.length)).sort();
  return Object.fromEntries(names.map((name) => [name, join(fixtures, `${name}.json`)]));
}

export function goldenSetFor(manifest: GoldenManifest, libseccomp: string, arch: string): GoldenSet | undefined {
  return manifest.sets.find((s) => s.libseccomp === libseccomp && s.arch === arch);
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Where two programs part, disassembled on both sides, so a failure says what changed. */
export function describeDifference(compiled: Uint8Array, golden: Uint8Array): string {
  const head = `compiled ${compiled.length} bytes, golden ${golden.length}`;
  if (compiled.length % 8 || golden.length % 8) return `${head} (not whole instructions)`;
  const a = disassembleLines(compiled);
  const b = disassembleLines(golden);
  let pc = 0;
  while (pc < a.length && pc < b.length && a[pc]!.code === b[pc]!.code && a[pc]!.jt === b[pc]!.jt && a[pc]!.jf === b[pc]!.jf && a[pc]!.k === b[pc]!.k) pc++;
  const around = (lines: typeof a, side: string) =>
    lines.slice(Math.max(0, pc - 2), pc + 3).map((l) => `  ${side} ${String(l.pc).padStart(4, '0')}: ${l.text}`);
  return [`${head}; first difference at instruction ${pc}:`, ...around(a, 'compiled'), ...around(b, 'golden  ')].join('\n');
}

/** Everything wrong with one fixture's output against its golden file; empty when it matches. */
export function checkGolden(dir: string, set: GoldenSet, name: string, fixturePath: string, hex: string | undefined): string[] {
  const entry = set.files[name];
  if (!entry) return [`${name}: no golden file in ${set.dir}; regenerate with ${REGENERATE}`];
  if (hex === undefined) return [`${name}: the child did not compile it`];
  const problems: string[] = [];
  if (sha256(readFileSync(fixturePath)) !== entry.fixture) {
    problems.push(`${name}: fixtures/${name}.json changed after ${set.dir} was recorded; regenerate with ${REGENERATE}`);
  }
  const golden = new Uint8Array(readFileSync(join(dir, set.dir, `${name}.bpf`)));
  if (sha256(golden) !== entry.sha256) problems.push(`${name}: ${set.dir}/${name}.bpf does not match its sha256 in manifest.json`);
  const compiled = fromHex(hex);
  if (sha256(compiled) !== sha256(golden)) problems.push(`${name}: the BPF differs from ${set.dir}/${name}.bpf\n${describeDifference(compiled, golden)}`);
  return problems;
}

/**
 * Which libseccomp the runtime's child loads, asked synchronously: the answer decides at
 * registration whether the tests run or are skipped, and runners register synchronously.
 */
export function probeLibrary(cmd: ChildCommand): { libseccomp: string; arch: string } | { error: string } {
  const [exe, ...lead] = cmd.argv;
  const r = spawnSync(exe!, [...lead, cmd.entry, cmd.packageUrl, 'golden', JSON.stringify({ files: {} })], {
    encoding: 'utf8',
    env: { ...process.env, UV_USE_IO_URING: '0' },
    timeout: 30_000,
  });
  const found = parseReports(r.stdout ?? '');
  const done = found.find((x) => x.done) as { result?: GoldenOutput } | undefined;
  if (done?.result) return { libseccomp: done.result.libseccomp, arch: done.result.arch };
  const failed = found.find((x) => x.error) as { error?: { message?: string } } | undefined;
  return { error: `the golden scenario could not report its libseccomp: ${failed?.error?.message ?? r.error?.message ?? `exit ${r.status}, signal ${r.signal}`}\n${(r.stderr ?? '').slice(0, 2000)}` };
}

function outputOf(o: ChildOutcome): GoldenOutput {
  if (o.error || o.code !== 0) {
    throw new Error(`the golden child failed: ${JSON.stringify(o.error)} code=${o.code} signal=${o.signal}\n${o.stderr.slice(0, 4000)}`);
  }
  return o.result as GoldenOutput;
}

export function defineGoldenTests(a: SuiteAdapter, run: Run): void {
  const title = `[${a.runtime}] golden BPF`;
  const fail = (name: string, message: string) => a.test(`${title}: ${name}`, async () => assert.fail(message));
  const skip = (reason: string) => {
    if (a.skip) a.skip(title, reason);
    else fail('skipped', `this runner cannot mark a test skipped: ${reason}`);
  };
  const dir = findGoldenDir();
  if (!dir) return skip('the golden files are not here (they live in the repository, not in the package)');
  const manifest = readManifest(dir);
  const fixtures = fixtureFiles(dir);
  const probe = probeLibrary(a.command);
  if ('error' in probe) return fail('libseccomp', probe.error);
  const set = goldenSetFor(manifest, probe.libseccomp, probe.arch);
  if (!set) {
    const recorded = manifest.sets.map((s) => `${s.libseccomp} on ${s.arch}`).join(', ') || 'none';
    return skip(`no golden set for libseccomp ${probe.libseccomp} on ${probe.arch} (recorded: ${recorded}); ` +
      `the bytes depend on libseccomp's version. To record one: ${REGENERATE}`);
  }

  // One child compiles every fixture; each fixture's test awaits the same result.
  let compiled: Promise<GoldenOutput> | undefined;
  const output = () => (compiled ??= run('golden', { files: fixtures }).then(outputOf));

  a.test(`${title}: fixtures/ and ${set.dir}/ name the same profiles`, async () => {
    assert.deepEqual(Object.keys(set.files).sort(), Object.keys(fixtures), `regenerate with ${REGENERATE}`);
  });
  for (const [name, path] of Object.entries(fixtures)) {
    a.test(`${title}: ${name} compiles to ${set.dir}/${name}.bpf`, async () => {
      const out = await output();
      assert.deepEqual([out.libseccomp, out.arch], [set.libseccomp, set.arch]);
      const problems = checkGolden(dir, set, name, path, out.outputs[name]);
      assert.equal(problems.length, 0, problems.join('\n'));
    });
  }
}
