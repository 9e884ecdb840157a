/**
 * Reads the JUnit XML that node:test (--test-reporter=junit), bun test (--reporter=junit) and
 * deno test (--junit-path) write, into one shape: every test case with its full name, its
 * outcome and, for a skip, its reason. The three differ in ways that matter here:
 * - node nests describe() blocks and tests with subtests as <testsuite>s and has no file level;
 * - bun wraps each file in a <testsuite file=…>, nests describe() blocks, drops node:test skip
 *   reasons and does not report t.test() subtests at all;
 * - deno has one <testsuite> per module, names steps "parent > child" and also lists the parent
 *   itself as a case, and runs node:test's t.skip() as a no-op (the test passes).
 */
import sax from 'sax';

/** @typedef {'pass' | 'fail' | 'skip' | 'todo'} Outcome */
/** @typedef {{ name: string, outcome: Outcome, reason: string }} TestCase */

/** The reason the Bun and Deno conformance adapters append to a skipped test's name. */
const SKIP_SUFFIX = / \(skipped: (.*)\)$/s;

/**
 * @param {string} xml
 * @param {'node' | 'bun' | 'deno'} runtime which runner wrote it
 * @returns {TestCase[]}
 */
export function parseJUnit(xml, runtime) {
  const parser = sax.parser(true);
  /** @type {string[]} names of the enclosing suites that are part of a test's name */
  const suites = [];
  /** @type {boolean[]} whether each open <testsuite> pushed a name */
  const pushed = [];
  /** @type {TestCase | undefined} */
  let current;
  /** @type {TestCase[]} */
  const cases = [];

  parser.onopentag = ({ name, attributes }) => {
    const attr = (/** @type {string} */ key) => String(attributes[key] ?? '');
    if (name === 'testsuite') {
      // node has no file level; bun's outermost suite and every deno suite is a file.
      const named = runtime === 'node' || (runtime === 'bun' && pushed.length > 0);
      pushed.push(named);
      if (named) suites.push(attr('name'));
    } else if (name === 'testcase') {
      current = { name: [...suites, attr('name')].join(' > '), outcome: 'pass', reason: '' };
      // node also marks a failed case with a failure="…" attribute.
      if (attributes.failure !== undefined) current.outcome = 'fail';
    } else if (current && (name === 'failure' || name === 'error')) {
      current.outcome = 'fail';
    } else if (current && name === 'skipped' && current.outcome !== 'fail') {
      const message = attr('message');
      const todo = attr('type') === 'todo' || message === 'TODO';
      current.outcome = todo ? 'todo' : 'skip';
      // node writes message="true" for a skip given no reason, and escapes a quote twice
      // (&amp;quot;), so one is still escaped after parsing.
      if (!todo && message !== 'true') current.reason = runtime === 'node' ? message.replaceAll('&quot;', '"') : message;
    }
  };
  parser.onclosetag = (name) => {
    if (name === 'testsuite' && pushed.pop()) suites.pop();
    if (name === 'testcase' && current) {
      cases.push(current);
      current = undefined;
    }
  };
  parser.write(xml).close();

  for (const c of cases) {
    const suffix = c.outcome === 'skip' ? SKIP_SUFFIX.exec(c.name) : null;
    if (suffix) {
      c.name = c.name.slice(0, suffix.index);
      c.reason ||= suffix[1] ?? '';
    }
  }
  if (runtime !== 'deno') return cases;
  // Deno lists a test with steps as a case of its own beside "parent > step" cases: count
  // the steps, as node counts subtests, and not the parent twice.
  const names = cases.map((c) => c.name);
  return cases.filter((c) => !names.some((n) => n.startsWith(`${c.name} > `)));
}

/** @param {TestCase[]} cases */
export function totals(cases) {
  const t = { tests: cases.length, pass: 0, fail: 0, skip: 0, todo: 0 };
  for (const c of cases) t[c.outcome]++;
  return t;
}
