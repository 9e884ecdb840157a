#!/usr/bin/env node
/**
 * Host side, after the guest powered off: reads what the guest left in the results folder
 * (steps: "<id> <exit> <seconds>" per line; <id>.xml JUnit; golden/; the presets table),
 * prints one totals line per run, and with --out writes the summary the repository keeps
 * (tests/aarch64-results/). Exits 1 when a step failed, a run reported a failure or a run
 * that should have written JUnit wrote none.
 *
 *   node tools/aarch64/collect.mjs <results dir>... [--out <dir>] [--golden]
 *
 * --golden copies the golden set the guest recorded (libseccomp-<version>-aarch64/ and its
 * manifest entry) into packages/core/testing/golden/, when its fixtures are this checkout's.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJUnit, totals } from '../junit.mjs';

const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
const rest = argv.filter((_, i) => outIndex < 0 || (i !== outIndex && i !== outIndex + 1));
// Several results folders (runs of different steps) read as one; a later one's step wins.
const dirs = rest.filter((a) => !a.startsWith('--'));
if (!dirs.length) throw new Error('usage: collect.mjs <results dir>... [--out <dir>] [--golden]');
const dir = dirs[dirs.length - 1];
const root = new URL('../../', import.meta.url).pathname;

const byId = new Map();
for (const d of dirs) {
  const stepsFile = join(d, 'steps');
  if (!existsSync(stepsFile)) continue;
  for (const l of readFileSync(stepsFile, 'utf8').trim().split('\n').filter(Boolean)) {
    const [id, rc, seconds] = l.split(' ');
    byId.set(id, { id, rc: Number(rc), seconds: Number(seconds), dir: d });
  }
}
const steps = [...byId.values()];
const problems = [];
if (!steps.length) problems.push('the guest ran no step (see the console log)');

const rows = [];
for (const s of steps) {
  const xml = join(s.dir, `${s.id}.xml`);
  const runtime = s.id.split('.')[0];
  if (s.rc !== 0) problems.push(`${s.id}: exit ${s.rc} (log: ${s.id}.log)`);
  if (!existsSync(xml)) {
    rows.push({ ...s, tests: '', pass: '', fail: '', skip: '' });
    continue;
  }
  const cases = parseJUnit(readFileSync(xml, 'utf8'), runtime === 'core' || runtime === 'node' ? 'node' : runtime);
  const t = totals(cases);
  if (t.fail) problems.push(`${s.id}: ${t.fail} failed: ${cases.filter((c) => c.outcome === 'fail').map((c) => c.name).slice(0, 10).join('; ')}`);
  if (!t.tests) problems.push(`${s.id}: no tests`);
  rows.push({ ...s, ...t, skipped: cases.filter((c) => c.outcome === 'skip').map((c) => `${c.name}: ${c.reason}`) });
}

const header = '| step | exit | seconds | tests | pass | fail | skip |\n| --- | --- | --- | --- | --- | --- | --- |';
const table = [header, ...rows.map((r) => `| ${r.id} | ${r.rc} | ${r.seconds} | ${r.tests} | ${r.pass} | ${r.fail} | ${r.skip} |`)].join('\n');
console.log(`aarch64 results (${dirs.join(', ')}):\n${table}`);
for (const p of problems) console.error(`aarch64: ${p}`);

if (out) {
  mkdirSync(out, { recursive: true });
  const env = existsSync(join(dirs[0], 'environment.log')) ? readFileSync(join(dirs[0], 'environment.log'), 'utf8').trim() : '';
  const skips = rows.flatMap((r) => (r.skipped ?? []).map((s) => `- ${r.id}: ${s}`));
  writeFileSync(join(out, 'totals.md'), [
    '# aarch64 results', '',
    'Written by `pnpm test:aarch64` (tools/aarch64/collect.mjs) from its last run in the guest.', '',
    '```', env, '```', '', table, '',
    skips.length ? `Skipped:\n\n${skips.join('\n')}` : 'Nothing skipped.', '',
    problems.length ? `Problems:\n\n${problems.map((p) => `- ${p}`).join('\n')}` : 'No failures.', '',
  ].join('\n'));
  writeFileSync(join(out, 'totals.json'), `${JSON.stringify({ steps: rows.map(({ skipped, dir: _d, ...r }) => r), problems }, null, 2)}\n`);
  // Each step's JUnit and its log (the checks without a test runner report there).
  for (const s of steps) {
    for (const ext of ['xml', 'log']) {
      if (existsSync(join(s.dir, `${s.id}.${ext}`))) copyFileSync(join(s.dir, `${s.id}.${ext}`), join(out, `${s.id}.${ext}`));
    }
  }
  for (const d of dirs) {
    const m = join(d, 'measured.generated.aarch64.ts');
    if (existsSync(m)) copyFileSync(m, join(out, 'measured.generated.aarch64.ts'));
  }
}

if (rest.includes('--golden')) copyGolden();

function copyGolden() {
  const from = join(dirs.find((d) => existsSync(join(d, 'golden', 'manifest.json'))) ?? dir, 'golden');
  const to = join(root, 'packages/core/testing/golden');
  if (!existsSync(join(from, 'manifest.json'))) return console.error('aarch64: the guest recorded no golden set');
  const guest = JSON.parse(readFileSync(join(from, 'manifest.json'), 'utf8'));
  const host = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8'));
  for (const set of guest.sets.filter((s) => s.arch === 'aarch64')) {
    // Only a set made from the fixtures this checkout has: otherwise it would be stale at once.
    const fixturesMatch = Object.entries(set.files).every(([name, f]) =>
      existsSync(join(to, 'fixtures', `${name}.json`)) && host.sets.every((h) => h.files[name]?.fixture === f.fixture));
    if (!fixturesMatch) { console.error(`aarch64: ${set.dir} was recorded from other fixtures; not copied`); continue; }
    cpSync(join(from, set.dir), join(to, set.dir), { recursive: true });
    host.sets = [...host.sets.filter((h) => h.dir !== set.dir), set].sort((a, b) => a.dir.localeCompare(b.dir));
    console.log(`aarch64: copied golden set ${set.dir}`);
  }
  writeFileSync(join(to, 'manifest.json'), `${JSON.stringify(host, null, 2)}\n`);
}

process.exit(problems.length ? 1 : 0);
