// Consumer tests: each in a fresh folder outside the workspace, installing the packed
// tarballs the way a user types it, from a local registry that holds them (registry.mjs).
// Node ESM, Node CommonJS, TypeScript nodenext and node16 (CommonJS), Bun, Deno through npm
// and through JSR each start a server, call lockdown() and see exec refused (in the child);
// the CLI's doctor, status and explain run through npx; docs/deploy.md's commands run.
// Alone: node tools/consumer/run.mjs <dir with the .tgz files> <packages/deno dir of the same release>
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDeployDoc } from './deploy-doc.mjs';
import { jsrLayout } from './jsr-layout.mjs';
import { startRegistry } from './registry.mjs';
import { serveAndRefuse } from './serve-check.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const fixture = (/** @type {string} */ name) => join(here, 'fixtures', name);
const bin = (/** @type {string} */ name) => join(repo, 'node_modules/.bin', name);
const rootDev = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).devDependencies;
const DENO_RUN = ['run', '--allow-ffi', '--allow-env=SECCOMP_LIBRARY_PATH', '--allow-net=127.0.0.1', '--allow-run=/bin/true'];

/**
 * Runs a command to completion; throws with its output unless it exits with `expect`.
 * Asynchronous: the local registry answers from this process's event loop.
 * @param {string} command @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, expect?: number }} options
 * @returns {Promise<string>} its standard output
 */
export function sh(command, args, { cwd, env, expect = 0 }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === expect) resolvePromise(stdout);
      else reject(new Error(`${command} ${args.join(' ')} (in ${cwd}): exit ${code ?? signal}, expected ${expect}\n${stdout}${stderr}`));
    });
  });
}

/**
 * The environment a user's shell would have, pointed at the local registry and fresh caches.
 * @param {{ npmUrl: string, jsrUrl: string }} registry @param {string} caches
 * @returns {NodeJS.ProcessEnv}
 */
function userEnv(registry, caches) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(npm|pnpm)_/i.test(k) && !k.startsWith('TURBO_')) env[k] = v;
  return {
    ...env,
    npm_config_registry: registry.npmUrl,
    NPM_CONFIG_REGISTRY: registry.npmUrl, // the spelling Deno reads
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    JSR_URL: registry.jsrUrl,
    DENO_DIR: join(caches, 'deno'),
    BUN_INSTALL_CACHE_DIR: join(caches, 'bun'),
    NO_COLOR: '1',
  };
}

/** A fresh project folder, with a package.json unless none is given. @param {string} root @param {string} name @param {object} [packageJson] */
function project(root, name, packageJson) {
  const dir = join(root, name);
  mkdirSync(dir);
  if (packageJson) writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, private: true, ...packageJson }, null, 2));
  return dir;
}

/** tsc's --explainFiles: which declaration file of @seccomp/node each mode read. @param {string} explained */
function nodeTypesRead(explained) {
  return [...new Set(explained.match(/node_modules\/@seccomp\/node\/dist\/index\.d\.c?ts/g) ?? [])].sort();
}

/** @typedef {(root: string, env: NodeJS.ProcessEnv) => Promise<unknown>} Scenario */
/** @type {Record<string, Scenario>} */
const scenarios = {
  async 'node-esm'(root, env) {
    const dir = project(root, 'node-esm', { type: 'module' });
    await sh('npm', ['install', '@seccomp/node'], { cwd: dir, env });
    copyFileSync(fixture('server.mjs'), join(dir, 'server.mjs'));
    return serveAndRefuse('node', ['server.mjs'], { cwd: dir, env });
  },
  async 'node-cjs'(root, env) {
    const dir = project(root, 'node-cjs', {});
    await sh('npm', ['install', '@seccomp/node'], { cwd: dir, env });
    copyFileSync(fixture('server.cjs'), join(dir, 'server.js'));
    return serveAndRefuse('node', ['server.js'], { cwd: dir, env });
  },
  async 'typescript-nodenext'(root, env) {
    return typescriptConsumer(root, env, 'nodenext', { type: 'module' }, ['server.ts', 'require-types.cts'], ['index.d.cts', 'index.d.ts']);
  },
  async 'typescript-node16-cjs'(root, env) {
    return typescriptConsumer(root, env, 'node16', {}, ['server.ts'], ['index.d.cts']);
  },
  async bun(root, env) {
    const dir = project(root, 'bun', { type: 'module' });
    await sh(bin('bun'), ['add', '@seccomp/bun'], { cwd: dir, env });
    copyFileSync(fixture('server.bun.ts'), join(dir, 'server.ts'));
    return serveAndRefuse(bin('bun'), ['server.ts'], { cwd: dir, env });
  },
  async 'deno-npm'(root, env) {
    return denoConsumer(root, env, 'deno-npm', 'npm:@seccomp/deno');
  },
  async 'deno-jsr'(root, env) {
    return denoConsumer(root, env, 'deno-jsr', 'jsr:@seccomp/deno');
  },
  async cli(root, env) {
    const dir = project(root, 'cli', {});
    await sh('npm', ['install', '@seccomp/cli'], { cwd: dir, env });
    copyFileSync(fixture('profile.json'), join(dir, 'profile.json'));
    const json = async (/** @type {string[]} */ args, expect = 0) => JSON.parse(await sh('npx', ['--no', '--', 'seccomp', ...args, '--json'], { cwd: dir, env, expect }));
    const doctor = await json(['doctor']);
    const status = await json(['status']);
    const refused = await json(['explain', 'profile.json', 'execve'], 1);
    const allowed = await json(['explain', 'profile.json', 'read']);
    if (refused.verdict?.action !== 'errno(EPERM)' || allowed.verdict?.action !== 'allow') {
      throw new Error(`seccomp explain: execve ${JSON.stringify(refused.verdict)}, read ${JSON.stringify(allowed.verdict)}`);
    }
    const help = await sh('npx', ['--no', '--', 'seccomp', '--help'], { cwd: dir, env });
    if (/\bdocs\/\S+\.md/.test(help.replace(/https:\/\/\S+/g, ''))) throw new Error(`seccomp --help names a local docs path:\n${help}`);
    return { doctor: Object.keys(doctor).length, status: Object.keys(status).length, explain: refused.verdict.action };
  },
  async 'deploy-doc'(root, env) {
    const dir = project(root, 'deploy-doc', { type: 'module' });
    await sh('npm', ['install', '@seccomp/cli'], { cwd: dir, env });
    return runDeployDoc(join(repo, 'docs/deploy.md'), dir, env, sh);
  },
};

/**
 * @param {string} root @param {NodeJS.ProcessEnv} env @param {'nodenext' | 'node16'} mode
 * @param {{ type?: string }} packageJson @param {string[]} files @param {string[]} wantTypes
 */
async function typescriptConsumer(root, env, mode, packageJson, files, wantTypes) {
  const name = `typescript-${mode}${packageJson.type ? '' : '-cjs'}`;
  const dir = project(root, name, packageJson);
  await sh('npm', ['install', '@seccomp/node', `typescript@${rootDev.typescript}`, `@types/node@${rootDev['@types/node']}`], { cwd: dir, env });
  for (const f of files) copyFileSync(fixture(f), join(dir, f));
  const compilerOptions = { module: mode, moduleResolution: mode, target: 'es2022', strict: true, outDir: 'out', types: ['node'] };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }, null, 2));
  const explained = await sh('npx', ['--no', '--', 'tsc', '-p', '.', '--explainFiles'], { cwd: dir, env });
  const read = nodeTypesRead(explained).map((p) => p.split('/').pop());
  if (JSON.stringify(read) !== JSON.stringify(wantTypes)) throw new Error(`${name}: tsc read ${read.join(', ') || 'no @seccomp/node types'}, expected ${wantTypes.join(', ')}`);
  return { types: read, ...(await serveAndRefuse('node', ['out/server.js'], { cwd: dir, env })) };
}

/** @param {string} root @param {NodeJS.ProcessEnv} env @param {string} name @param {string} spec */
async function denoConsumer(root, env, name, spec) {
  const dir = project(root, name);
  writeFileSync(join(dir, 'deno.json'), '{}\n');
  await sh(bin('deno'), ['add', spec], { cwd: dir, env });
  const config = JSON.parse(readFileSync(join(dir, 'deno.json'), 'utf8'));
  if (!String(config.imports?.['@seccomp/deno']).startsWith(`${spec}@`)) throw new Error(`${name}: deno add wrote ${JSON.stringify(config)}`);
  copyFileSync(fixture('server.deno.ts'), join(dir, 'main.ts'));
  await sh(bin('deno'), ['check', 'main.ts'], { cwd: dir, env });
  return serveAndRefuse(bin('deno'), [...DENO_RUN, 'main.ts'], { cwd: dir, env });
}

/** npm manifests of the tarballs in `dir` (package.json as packed: workspace ranges resolved). */
/** @param {string} dir @returns {{ file: string, manifest: import('./registry.mjs').Manifest }[]} */
function readTarballs(dir) {
  return readdirSync(dir).filter((f) => f.endsWith('.tgz')).map((f) => {
    const file = join(dir, f);
    return { file, manifest: JSON.parse(spawnSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }).stdout) };
  });
}

/**
 * @param {string} tarballDir @param {string} denoDir
 * @param {{ only?: string[], log?: (line: string) => void }} [options]
 * @returns {Promise<string[]>} the scenarios that failed
 */
export async function runConsumers(tarballDir, denoDir, { only, log = console.log } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'seccomp-consumers-'));
  const registry = await startRegistry({ npm: readTarballs(tarballDir), jsr: jsrLayout(denoDir) });
  const env = userEnv(registry, join(root, '.caches'));
  const failures = [];
  try {
    for (const [name, run] of Object.entries(scenarios)) {
      if (only && !only.includes(name)) continue;
      const started = Date.now();
      try {
        const seen = await run(root, env);
        log(`  ok    ${name.padEnd(22)} ${((Date.now() - started) / 1000).toFixed(1)} s  ${JSON.stringify(seen)}`);
      } catch (err) {
        failures.push(name);
        log(`  FAIL  ${name.padEnd(22)} ${((Date.now() - started) / 1000).toFixed(1)} s\n${String(err instanceof Error ? err.message : err).replace(/^/gm, '        ')}`);
      }
    }
  } finally {
    await registry.close();
    if (!failures.length) rmSync(root, { recursive: true, force: true });
    else log(`  consumer folders kept for a look: ${root}`);
  }
  return failures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [tarballDir, denoDir, ...only] = process.argv.slice(2);
  if (!tarballDir || !denoDir) {
    console.error('usage: node tools/consumer/run.mjs <tarball dir> <packages/deno dir> [scenario…]');
    process.exit(2);
  }
  const failures = await runConsumers(resolve(tarballDir), resolve(denoDir), { only: only.length ? only : undefined });
  console.log(failures.length ? `consumer tests: ${failures.length} failed (${failures.join(', ')})` : 'consumer tests: all passed');
  process.exit(failures.length ? 1 : 0);
}
