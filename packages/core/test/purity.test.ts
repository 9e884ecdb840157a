import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseThreadStatus } from '../src/internal.js';

const SRC = new URL('../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

test('core has zero runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  assert.deepEqual(pkg.dependencies ?? {}, {});
});

test('core/src imports nothing runtime-specific', () => {
  for (const file of files(SRC).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/from\s+'([^']+)'|import\(\s*'([^']+)'/g)) {
      const spec = m[1] ?? m[2]!;
      assert.ok(spec.startsWith('.'), `${file} imports ${spec}`);
    }
    assert.doesNotMatch(text, /\bDeno\.\w+\(|\bBun\.\w+\(|require\(/, file);
  }
});

test('status lines from /proc/<pid>/task/<tid>/status', () => {
  const t = parseThreadStatus(42, 'Name:\tnode\nState:\tS (sleeping)\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\n');
  assert.deepEqual(t, { tid: 42, name: 'node', seccomp: 2, mode: 'filter', filters: 3, noNewPrivs: true });
  const old = parseThreadStatus(7, 'Name:\tx\nSeccomp:\t0\n');
  assert.equal(old.filters, undefined, 'kernels before 5.9 have no Seccomp_filters line');
  assert.equal(old.mode, 'disabled');
});
