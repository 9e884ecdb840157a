#!/usr/bin/env node
// `pnpm changeset …`: runs @changesets/cli as it is, and after `changeset version` moves
// packages/deno/deno.json (the JSR manifest, which changesets does not know) to the version
// changesets gave packages/deno/package.json, with its @seccomp/core import pinned to core's
// new version (every npm:@seccomp/core@… import, subpaths too). Usable alone too: `node tools/changeset.mjs sync-deno` (in any checkout).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Rewrites deno.json's version and core pins in place, keeping the file's own layout. */
export function syncDenoJson(repoRoot = root) {
  const readVersion = (/** @type {string} */ dir) => JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')).version;
  const denoVersion = readVersion('deno');
  const coreVersion = readVersion('core');
  const file = join(repoRoot, 'packages/deno/deno.json');
  const before = readFileSync(file, 'utf8');
  const after = before
    .replace(/("version"\s*:\s*)"[^"]*"/, `$1"${denoVersion}"`)
    .replace(/"npm:@seccomp\/core@[^"/]*(\/[^"]*)?"/g, `"npm:@seccomp/core@${coreVersion}$1"`);
  const json = JSON.parse(after);
  /** @type {string[]} */
  const pins = Object.values(json.imports ?? {});
  const corePins = pins.filter((t) => t.startsWith('npm:@seccomp/core@'));
  const pinned = (/** @type {string} */ t) => t.slice('npm:@seccomp/core@'.length).split('/')[0];
  if (json.version !== denoVersion || !corePins.length || corePins.some((t) => pinned(t) !== coreVersion)) {
    throw new Error(`${file}: could not set version ${denoVersion} and npm:@seccomp/core@${coreVersion}`);
  }
  if (after !== before) writeFileSync(file, after);
  return { denoVersion, coreVersion, changed: after !== before };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === 'sync-deno') {
    const r = syncDenoJson();
    console.log(`deno.json: ${r.denoVersion} (npm:@seccomp/core@${r.coreVersion})${r.changed ? '' : ', already'}`);
  } else {
    const bin = join(root, 'node_modules/.bin/changeset');
    const run = spawnSync(bin, args, { stdio: 'inherit', cwd: process.cwd() });
    if (run.status !== 0) process.exit(run.status ?? 1);
    if (args[0] === 'version') {
      const r = syncDenoJson();
      console.log(`deno.json moved with the release: ${r.denoVersion} (npm:@seccomp/core@${r.coreVersion})`);
    }
  }
}
