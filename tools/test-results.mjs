#!/usr/bin/env node
/**
 * The last step of `pnpm test`: reads the JUnit file each test run wrote to .test-results/,
 * prints one totals line per package and runtime, and fails when
 * - a run listed in tools/expected-skips.mjs wrote no results (it did not run, or crashed
 *   first), or a results file belongs to no listed run;
 * - a run reports a failure, or no tests at all;
 * - a run reports a skip that tools/expected-skips.mjs does not allow at this privilege level;
 * - the same test files skip different tests on different runtimes (Deno's node:test runs
 *   t.skip() as a no-op, so there a skip would pass unseen).
 *
 *   node tools/test-results.mjs clear                  forget the last run's results
 *   node tools/test-results.mjs check [status] [--as root|unprivileged]
 *
 * `status` is the exit status of the test runs before it: the check exits with it when it is
 * not 0, so one failing command still fails the whole. The privilege level defaults to this
 * process's: root when the effective uid is 0.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { EXPECTED_SKIPS, RUNS } from './expected-skips.mjs';
import { parseJUnit, totals } from './junit.mjs';

const DIR = new URL('../.test-results/', import.meta.url);
const HEADER = ['package', 'runtime', 'tests', 'pass', 'fail', 'skip', 'todo'];

function clear() {
  mkdirSync(DIR, { recursive: true });
  for (const f of readdirSync(DIR)) if (f.endsWith('.xml')) rmSync(new URL(f, DIR));
}

/** @param {string[]} argv */
function check(argv) {
  const asIndex = argv.indexOf('--as');
  const level = asIndex >= 0 ? argv.splice(asIndex, 2)[1] : process.geteuid?.() === 0 ? 'root' : 'unprivileged';
  if (level !== 'root' && level !== 'unprivileged') throw new Error(`--as takes root or unprivileged, not ${level}`);
  const status = Number(argv[0] ?? 0);
  const allowed = EXPECTED_SKIPS[level];
  /** @type {string[]} */
  const problems = [];
  /** @type {Map<string, string[]>} skipped names by run and reason, each marked expected or not */
  const skipGroups = new Map();
  /** @type {Map<string, Map<string, import('./junit.mjs').TestCase[]>>} cases by package, then by run */
  const byPackage = new Map();

  const files = new Set(readdirSync(DIR).filter((f) => f.endsWith('.xml')));
  const rows = [HEADER];
  for (const run of RUNS) {
    const file = `${run.id}.xml`;
    if (!files.delete(file)) {
      problems.push(`${run.pkg} on ${run.runtime}: no results (.test-results/${file}): the run did not happen or ended before writing them`);
      rows.push([run.pkg, run.runtime, '-', '-', '-', '-', '-']);
      continue;
    }
    let cases;
    try {
      cases = parseJUnit(readFileSync(new URL(file, DIR), 'utf8'), run.runtime);
    } catch (err) {
      problems.push(`${run.pkg} on ${run.runtime}: .test-results/${file} is not readable JUnit: ${/** @type {Error} */ (err).message}`);
      continue;
    }
    const t = totals(cases);
    rows.push([run.pkg, run.runtime, ...[t.tests, t.pass, t.fail, t.skip, t.todo].map(String)]);
    if (!t.tests) problems.push(`${run.pkg} on ${run.runtime}: no tests ran`);
    if (t.fail) {
      // Named here because CI logs are often read from their end only.
      const failed = cases.filter((x) => x.outcome === 'fail').map((x) => `"${x.name}"`);
      problems.push(`${run.pkg} on ${run.runtime}: ${t.fail} failed: ${failed.slice(0, 10).join(', ')}${failed.length > 10 ? `, and ${failed.length - 10} more` : ''}`);
    }
    /** @type {string[]} */
    const unexpected = [];
    for (const c of cases.filter((x) => x.outcome === 'skip')) {
      const rule = allowed.find((r) => r.runs.includes(run.id) && r.name.test(c.name) && r.reason.test(c.reason));
      const group = `${run.pkg} on ${run.runtime}, ${c.reason || 'no reason recorded'}`;
      skipGroups.set(group, [...(skipGroups.get(group) ?? []), `${rule ? '' : 'UNEXPECTED: '}${c.name}`]);
      if (!rule) unexpected.push(c.name);
    }
    if (unexpected.length) {
      const some = unexpected.slice(0, 3).map((n) => `"${n}"`).join(', ') + (unexpected.length > 3 ? `, and ${unexpected.length - 3} more` : '');
      problems.push(`${run.pkg} on ${run.runtime}: ${unexpected.length} skip${unexpected.length > 1 ? 's' : ''} not allowed as ${level} (marked UNEXPECTED above): ${some}`);
    }
    if (!byPackage.has(run.pkg)) byPackage.set(run.pkg, new Map());
    byPackage.get(run.pkg)?.set(run.runtime, cases);
  }
  for (const f of files) problems.push(`.test-results/${f} belongs to no run in tools/expected-skips.mjs: list the run there`);
  problems.push(...skipsThatDiffer(byPackage));

  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  console.log(`\nTest totals per package and runtime (JUnit in .test-results/), as ${level}:`);
  for (const r of rows) console.log(`  ${r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')}`);
  if (skipGroups.size) console.log(`\nSkipped, by run and reason (allowed as ${level} by tools/expected-skips.mjs unless marked):`);
  for (const [group, names] of skipGroups) console.log(`  ${group}:\n${names.map((n) => `    - ${n}`).join('\n')}`);
  if (problems.length) {
    console.error(`\nTest results: ${problems.length} problem${problems.length > 1 ? 's' : ''}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(status || 1);
  }
  console.log(`\nTest results: every run reported, no failures, only expected skips.`);
  process.exit(status);
}

/**
 * The same test files run under several runtimes must skip the same tests: a test one runtime
 * skips and another reports as passed was skipped unseen there.
 * @param {Map<string, Map<string, import('./junit.mjs').TestCase[]>>} byPackage
 */
function skipsThatDiffer(byPackage) {
  /** @type {string[]} */
  const out = [];
  for (const [pkg, runs] of byPackage) {
    for (const [runtime, cases] of runs) {
      for (const [other, otherCases] of runs) {
        const outcome = new Map(otherCases.map((c) => [c.name, c.outcome]));
        for (const c of cases.filter((x) => x.outcome === 'skip' && outcome.get(x.name) === 'pass')) {
          out.push(`${pkg}: "${c.name}" is skipped on ${runtime} but passes on ${other} (a skip that runner does not report?)`);
        }
      }
    }
  }
  return out;
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'clear') clear();
else if (command === 'check') check(rest);
else {
  console.error('usage: node tools/test-results.mjs clear | check [status] [--as root|unprivileged]');
  process.exit(2);
}
