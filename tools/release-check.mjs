#!/usr/bin/env node
// The release, rehearsed on a scratch copy of the checkout (the checkout itself is not
// touched): `pnpm changeset version` (every public package moves to the same new version,
// with a CHANGELOG, and deno.json follows), a build, `pnpm pack` of every public package,
// publint and @arethetypeswrong/cli on each tarball, `deno publish --dry-run`, then the
// consumer tests (tools/consumer/run.mjs) against those tarballs. CI runs it after the tests.
// Options: --keep (leave the scratch copy), --only=<consumer,…> (a subset of consumers),
// --working-tree (release the files as they are now instead of HEAD).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runConsumers } from './consumer/run.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PUBLIC = /** @type {const} */ (['core', 'node', 'bun', 'deno', 'cli']);
/** The first release: every package goes 0.0.0 → 0.1.0 (later releases: whatever changesets says, but all equal). */
const FIRST_RELEASE = { from: '0.0.0', to: '0.1.0' };
/**
 * @arethetypeswrong's profile per entry point. ESM-only entries (Bun, Deno, the lean lockdown
 * and testing entries, the CLI's package.json) are checked as ESM-only: require() of them is
 * not offered. core's and node's main (and core's internal) entries must also type-check
 * for require (node16 CommonJS → .d.cts); subpaths skip node10, which has no `exports`.
 * core's ./testing/child is a script the conformance suite runs as a process (no types).
 */
/** @type {Record<'core' | 'node' | 'bun' | 'deno' | 'cli', { entrypoints?: string[], exclude?: string[], profile: string }[]>} */
const ATTW = {
  core: [{ entrypoints: ['.'], profile: 'strict' }, { entrypoints: ['./internal'], profile: 'node16' }, { exclude: ['.', './internal', './testing/child'], profile: 'esm-only' }],
  node: [{ entrypoints: ['.'], profile: 'strict' }, { exclude: ['.'], profile: 'esm-only' }],
  bun: [{ profile: 'esm-only' }],
  deno: [{ profile: 'esm-only' }],
  cli: [{ profile: 'esm-only' }],
};

const args = process.argv.slice(2);
const keep = args.includes('--keep');
const workingTree = args.includes('--working-tree');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const bin = (/** @type {string} */ scratch, /** @type {string} */ name) => join(scratch, 'node_modules/.bin', name);
const readJson = (/** @type {string} */ file) => JSON.parse(readFileSync(file, 'utf8'));

/** @param {string} command @param {string[]} argv @param {string} cwd @param {NodeJS.ProcessEnv} [extraEnv] */
function run(command, argv, cwd, extraEnv = {}) {
  const r = spawnSync(command, argv, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', ...extraEnv } });
  if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} (in ${cwd}): exit ${r.status ?? r.signal}\n${r.stdout}${r.stderr}${r.error ?? ''}`);
  return r.stdout + r.stderr;
}

/** @param {string} name @param {() => string | void | Promise<string | void>} fn */
async function step(name, fn) {
  const started = Date.now();
  process.stdout.write(`release check: ${name} … `);
  const detail = await fn();
  console.log(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)${detail ? `\n${detail}` : ''}`);
}

/**
 * The commit being released (HEAD), or with --working-tree the checkout's files as they are
 * now (tracked and new, not ignored); no node_modules or builds either way.
 */
/** @param {string} scratch */
function copyCheckout(scratch) {
  if (!workingTree) {
    const archive = spawnSync('git', ['archive', '--format=tar', 'HEAD'], { cwd: repo, maxBuffer: 1 << 30 });
    const untar = spawnSync('tar', ['-x', '-C', scratch], { input: archive.stdout });
    if (archive.status !== 0 || untar.status !== 0) throw new Error(`git archive HEAD: ${archive.stderr}${untar.stderr}`);
    return `  HEAD ${run('git', ['rev-parse', '--short', 'HEAD'], repo).trim()}`;
  }
  const files = run('git', ['ls-files', '-co', '--exclude-standard', '-z'], repo).split('\0').filter(Boolean);
  for (const f of files) if (existsSync(join(repo, f))) cpSync(join(repo, f), join(scratch, f), { recursive: false });
  return `  the working tree, ${files.length} files`;
}

/**
 * What a versioned tree must hold: every public package at one version, a CHANGELOG section for
 * it in each, and deno.json (its version and its npm:@seccomp/core pins) at the same version.
 * @param {string} scratch @returns {string} that version
 */
function checkReleaseState(scratch) {
  const versions = PUBLIC.map((p) => readJson(join(scratch, 'packages', p, 'package.json')).version);
  const version = versions[0];
  if (!versions.every((v) => v === version)) throw new Error(`public packages at different versions: ${PUBLIC.map((p, i) => `${p} ${versions[i]}`).join(', ')}`);
  for (const p of PUBLIC) {
    const log = join(scratch, 'packages', p, 'CHANGELOG.md');
    if (!existsSync(log) || !readFileSync(log, 'utf8').includes(`## ${version}`)) throw new Error(`${log} has no "## ${version}" section`);
  }
  const deno = readJson(join(scratch, 'packages/deno/deno.json'));
  const pins = Object.values(deno.imports).filter((t) => t.startsWith('npm:@seccomp/core@'));
  if (deno.version !== version || !pins.length || pins.some((t) => t.slice('npm:@seccomp/core@'.length).split('/')[0] !== version)) throw new Error(`deno.json did not follow: ${JSON.stringify({ version: deno.version, imports: deno.imports })}`);
  return version;
}

/** The changesets waiting in a tree. @param {string} dir */
const pendingChangesets = (dir) => readdirSync(join(dir, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');

/** @param {string} scratch @param {string} before @returns {string} the new version */
function checkVersions(scratch, before) {
  const version = checkReleaseState(scratch);
  if (version === before) throw new Error(`changeset version left the packages at ${before} (no changesets?)`);
  if (before === FIRST_RELEASE.from && version !== FIRST_RELEASE.to) throw new Error(`the first release is ${version}, expected ${FIRST_RELEASE.to}`);
  const left = pendingChangesets(scratch);
  if (left.length) throw new Error(`changesets left unconsumed: ${left.join(', ')}`);
  const privates = ['benchmarks', ...readdirSync(join(scratch, 'examples')).map((d) => `examples/${d}`)].map((d) => `${d}/package.json`);
  for (const f of privates) {
    if (existsSync(join(scratch, f)) && readFileSync(join(scratch, f), 'utf8') !== readFileSync(join(repo, f), 'utf8')) throw new Error(`changeset version changed the private ${f}`);
  }
  return version;
}

/** @param {string} scratch @param {keyof typeof ATTW} pkg @param {string} tarball */
function attw(scratch, pkg, tarball) {
  const out = [];
  for (const { entrypoints, exclude, profile } of ATTW[pkg]) {
    const argv = [tarball, '--profile', profile, '--format', 'ascii', '--no-emoji', '--no-color'];
    if (entrypoints) argv.push('--entrypoints', ...entrypoints);
    if (exclude) argv.push('--exclude-entrypoints', ...exclude);
    const text = run(bin(scratch, 'attw'), argv, scratch);
    // An untyped package (the CLI: a command) gets a JSON note instead of a table.
    const verdict = text.includes('"types": false') ? 'no type declarations (a command, nothing to import)' : text.trim().split('\n')[0];
    out.push(`    attw ${profile}${entrypoints ? ` ${entrypoints.join(' ')}` : ''}: ${verdict}`);
  }
  return out.join('\n');
}

async function main() {
  const started = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'seccomp-release-'));
  const tarballs = join(scratch, '.tarballs');
  let ok = false;
  try {
    const before = readJson(join(repo, 'packages/core/package.json')).version;
    await step(`copy the checkout to ${scratch}`, () => copyCheckout(scratch));
    await step('pnpm install (offline, from the store)', () => void run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], scratch));
    let version = '';
    // Right after a release nothing waits: the tree as released must then hold together.
    if (pendingChangesets(scratch).length === 0) {
      await step('no changesets waiting: the released versions', () => {
        version = checkReleaseState(scratch);
        return `  ${PUBLIC.map((p) => `@seccomp/${p}`).join(', ')}: ${version}, CHANGELOG.md each, deno.json ${version}`;
      });
    } else await step('pnpm changeset version', () => {
      run('pnpm', ['--silent', 'changeset', 'version'], scratch);
      version = checkVersions(scratch, before);
      // node_modules' record of the workspace packages still says the old version, which
      // deno publish reads for the npm:@seccomp/core@<new> import.
      run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'], scratch);
      return `  ${PUBLIC.map((p) => `@seccomp/${p}`).join(', ')}: ${before} → ${version}, CHANGELOG.md each, deno.json ${version}; examples and benchmarks untouched`;
    });
    await step('build the public packages', () => void run('pnpm', ['--filter', './packages/*', '-r', '--reporter=append-only', 'run', 'build'], scratch));
    await step('pnpm pack', () => {
      mkdirSync(tarballs);
      for (const p of PUBLIC) run('pnpm', ['pack', '--pack-destination', tarballs], join(scratch, 'packages', p));
      return readdirSync(tarballs).map((f) => `  ${f}`).join('\n');
    });
    await step('publint and @arethetypeswrong/cli on every tarball', () => PUBLIC.map((p) => {
      const tarball = join(tarballs, `seccomp-${p}-${version}.tgz`);
      const lint = run(bin(scratch, 'publint'), ['run', tarball, '--strict'], scratch).trim().split('\n').pop();
      return `  @seccomp/${p}\n    publint: ${lint}\n${attw(scratch, p, tarball)}`;
    }).join('\n'));
    await step('deno publish --dry-run (@seccomp/deno on JSR)', () => {
      const out = run(bin(scratch, 'deno'), ['publish', '--dry-run', '--allow-dirty'], join(scratch, 'packages/deno'), { NO_COLOR: '1' });
      if (!out.includes(`@seccomp/deno@${version}`)) throw new Error(`deno publish --dry-run did not simulate @seccomp/deno@${version}:\n${out}`);
    });
    console.log('release check: consumer tests (fresh projects outside the workspace, a local registry holding the tarballs)');
    const failures = await runConsumers(tarballs, join(scratch, 'packages/deno'), { only });
    if (failures.length) throw new Error(`consumer tests failed: ${failures.join(', ')}`);
    ok = true;
  } catch (err) {
    console.log('FAILED');
    console.error(err instanceof Error ? err.message : err);
  } finally {
    if (ok && !keep) rmSync(scratch, { recursive: true, force: true });
    else console.log(`release check: scratch copy kept: ${scratch}`);
  }
  console.log(`release check: ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(ok ? 0 : 1);
}

await main();
