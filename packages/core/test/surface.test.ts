// The public surface of @seccomp/core against docs/api.md: every exported value is documented
// under a heading, and every name a heading documents is exported (by core or, bound, by the
// runtime packages), so the page cannot drift from the explicit export list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as core from '../src/index.js';
import { BOUND_EXPORTS } from '../testing/surface.js';

const docs = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
const indexSource = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');

/** Every name in index.ts's export lists, values and types. */
function exportedNames(): Set<string> {
  const names = new Set<string>();
  for (const [, list] of indexSource.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const item of list!.split(',')) {
      const name = item.trim().replace(/^type /, '').split(' as ').pop()!.trim();
      if (name) names.add(name);
    }
  }
  return names;
}

/** The names each `###` heading documents: the first identifier of each code span, not after an arrow. */
function headingNames(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of docs.split('\n').filter((l) => l.startsWith('### '))) {
    for (const [, before, name] of line.matchAll(/(→ )?`(?:new )?([A-Za-z_$][\w$]*)/g)) {
      if (!before) out.set(name!, line);
    }
  }
  return out;
}

test('every value @seccomp/core exports is documented under a heading of docs/api.md', () => {
  const documented = headingNames();
  assert.deepEqual(Object.keys(core).filter((name) => !documented.has(name)), []);
});

test('every name a heading of docs/api.md documents is exported', () => {
  const exported = new Set([...exportedNames(), ...BOUND_EXPORTS, 'seccomp', 'filter']);
  const stray = [...headingNames()].filter(([name]) => !exported.has(name)).map(([name, line]) => `${name} (${line})`);
  assert.deepEqual(stray, []);
});

test('the export list is written out: index.ts re-exports no module whole', () => {
  assert.doesNotMatch(indexSource, /export \* from/);
});
