/**
 * A node:test reporter: node's dot reporter, then every skipped test with its reason and the
 * run's totals (tests, pass, fail, skipped, todo, cancelled). The dot reporter alone prints a
 * skip as a dot and no count at all, so a check that could not run here (it needs root, a
 * readable kernel log, …) would look like a pass; this puts it in the log instead.
 *
 *   node --test --test-reporter=../../tools/totals-reporter.mjs --test-reporter-destination=stdout \
 *        --test-reporter=junit --test-reporter-destination=../../.test-results/<id>.xml …
 *
 * It wraps the dot reporter instead of running beside it because node 20 warns of an
 * EventEmitter leak (MaxListenersExceededWarning) once three reporters share a run.
 * Counted as node:test counts them: every test and subtest, not the describe() blocks.
 */
import { readFileSync } from 'node:fs';
import { dot } from 'node:test/reporters';

/** Which package ran, for the totals line: the runner starts in the package's folder. */
function packageName() {
  try {
    return JSON.parse(readFileSync('package.json', 'utf8')).name ?? process.cwd();
  } catch {
    return process.cwd();
  }
}

/** @typedef {import('node:test/reporters').TestEvent} TestEvent */

/** @param {AsyncIterable<TestEvent>} source node:test's events */
export default async function* totalsReporter(source) {
  const started = performance.now();
  const totals = { tests: 0, pass: 0, fail: 0, skipped: 0, todo: 0, cancelled: 0 };
  /** @type {string[]} */
  const skipped = [];
  /** Passes every event on to the dot reporter, counting the finished tests on the way. */
  async function* counted() {
    for await (const event of source) {
      count(event);
      yield event;
    }
  }
  /** @param {TestEvent} event */
  function count(event) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') return;
    const { skip, todo, name, file, details } = event.data;
    if (details?.type === 'suite') return;
    totals.tests++;
    if (event.type === 'test:fail') {
      // node:test's own errors carry why the test failed; a cancelled one did not get to run.
      const failureType = /** @type {{ failureType?: string } | undefined} */ (event.data.details.error)?.failureType;
      if (failureType === 'cancelledByParent') totals.cancelled++;
      else totals.fail++;
    } else if (skip !== undefined && skip !== false) {
      totals.skipped++;
      const where = file ? ` (${file.split('/').slice(-2).join('/')})` : '';
      skipped.push(`  - ${name}${where}: ${skip === true ? 'no reason given' : skip}`);
    } else if (todo !== undefined && todo !== false) totals.todo++;
    else totals.pass++;
  }
  yield* dot(counted());
  if (skipped.length) yield `\n${skipped.length} skipped:\n${skipped.join('\n')}\n`;
  const counts = Object.entries(totals).map(([k, v]) => `${k} ${v}`).join(', ');
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  yield `\n${packageName()} on node ${process.version}: ${counts} (${seconds} s)\n`;
}
