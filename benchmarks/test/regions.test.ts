// The docs' generated regions: only the text between a region's two markers is replaced, the
// prose around it is kept, and a marker without a table (or a table without a marker, where
// every one is required) is an error rather than a stale or lost table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { renderMarkdown, renderRegions } from '../src/report/markdown.js';
import { fillRegions, markedRegions } from '../src/report/regions.js';
import type { Results } from '../src/report/results.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bodies = new Map([['a', '| x |\n| --- |\n| 1 |'], ['b', 'line b']]);

test('only the text between the markers is replaced; the prose around them is kept', () => {
  const text = 'Prose before.\n\n<!-- results:a -->\nold table\n<!-- /results:a -->\n\nProse between.\n\n<!-- results:b --><!-- /results:b -->\nProse after.\n';
  const filled = fillRegions(text, bodies);
  assert.equal(filled, 'Prose before.\n\n<!-- results:a -->\n\n| x |\n| --- |\n| 1 |\n\n<!-- /results:a -->\n\nProse between.\n\n' +
    '<!-- results:b -->\n\nline b\n\n<!-- /results:b -->\nProse after.\n');
  assert.equal(fillRegions(filled, bodies), filled, 'filling again changes nothing');
  assert.deepEqual(markedRegions(filled), ['a', 'b']);
});

test('a marker with no table, a table with no marker where all are required, and unbalanced markers are refused', () => {
  assert.throws(() => fillRegions('<!-- results:c --><!-- /results:c -->', bodies), /no table for the marked region\(s\) c; this run has a, b/);
  assert.equal(fillRegions('<!-- results:a --><!-- /results:a -->', bodies).includes('| 1 |'), true, 'not required: regions may be left out');
  assert.throws(() => fillRegions('<!-- results:a --><!-- /results:a -->', bodies, true), /no <!-- results:b -->/);
  assert.throws(() => fillRegions('<!-- results:a -->', bodies), /region a opens .* but has no <!-- \/results:a -->/);
  assert.throws(() => fillRegions('<!-- /results:a --><!-- results:a -->', bodies), /has no <!-- \/results:a --> after it/);
  assert.throws(() => fillRegions('<!-- results:a --><!-- /results:a --><!-- results:a --><!-- /results:a -->', bodies), /region a is marked twice/);
  assert.throws(() => fillRegions('<!-- /results:b -->', bodies), /closes a region that never opens/);
});

const committed = JSON.parse(readFileSync(join(REPO, 'benchmarks', 'results', 'results.json'), 'utf8')) as Results;

test('docs/benchmarks.md marks every region of a full run, and holds the committed run’s tables', () => {
  const docs = readFileSync(join(REPO, 'docs', 'benchmarks.md'), 'utf8');
  assert.equal(fillRegions(docs, renderRegions(committed), true), docs, 'docs/benchmarks.md is what `pnpm bench --render` writes from results.json');
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  assert.deepEqual(markedRegions(readme), ['run-brief', 'summary']);
  assert.equal(fillRegions(readme, renderRegions(committed)), readme, "the README's summary is the committed run's");
});

test('results.md has each region under its heading, and no prose', () => {
  const md = renderMarkdown(committed);
  assert.equal(md, readFileSync(join(REPO, 'benchmarks', 'results', 'results.md'), 'utf8'));
  for (const body of renderRegions(committed).values()) assert.ok(md.includes(body.trim()) || body.startsWith('Medians and ratios'), body.slice(0, 80));
  assert.doesNotMatch(md, /Ratios are to C in the same run/);
  const partial = renderRegions({ ...committed, groups: { bpf: committed.groups.bpf } });
  assert.equal(partial.has('load'), false, 'a group not run has no region');
  assert.equal(partial.has('bpf'), true);
});
