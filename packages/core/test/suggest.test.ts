import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editDistance, suggest, suggestOne, didYouMean } from '../src/suggest.js';
import { SYSCALL_NAMES } from '../src/syscalls/table.generated.js';

test('edit distance counts a swap of neighbours as one edit and stops at the limit', () => {
  assert.equal(editDistance('mkdri', 'mkdir'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('kitten', 'sitting', 2), 3, 'over the limit answers limit + 1');
  assert.equal(editDistance('a'.repeat(50), 'b'.repeat(50), 3), 4);
  assert.equal(editDistance('openat', 'openat', 0), 0);
});

test('suggestions: nearest first, C prefixes and case ignored, prefixes only when asked', () => {
  assert.deepEqual(suggest('mkdri', SYSCALL_NAMES, { max: 3 }), ['mkdir']);
  assert.deepEqual(suggest('__NR_clone3', SYSCALL_NAMES, { max: 3 }), ['clone3']);
  assert.deepEqual(suggest('OPENAT', SYSCALL_NAMES), ['openat']);
  assert.equal(suggestOne('x68_64', ['x86', 'x86_64', 'x32']), 'x86_64');
  assert.equal(suggestOne('comp', ['compile', 'decode', 'audit']), undefined);
  assert.equal(suggestOne('comp', ['compile', 'decode', 'audit'], { prefix: true }), 'compile');
  assert.deepEqual(suggest('zzzzzzzzzzzz', SYSCALL_NAMES), []);
  assert.deepEqual(suggest(42, SYSCALL_NAMES), [], 'not a string: nothing to suggest, no throw');
  assert.deepEqual(suggest('read', SYSCALL_NAMES, { max: 0 }), []);
  assert.equal(didYouMean(['a', 'b']), ' (did you mean "a" or "b"?)');
  assert.equal(didYouMean([]), '');
});

function timeOf(f: () => void): number {
  const start = performance.now();
  f();
  return performance.now() - start;
}

test('a name far longer than any candidate costs no comparisons: 60,000 characters answers at once', () => {
  const long = 'open'.repeat(15_000);
  assert.deepEqual(suggest(long, SYSCALL_NAMES, { max: 3 }), []);
  // Generous: a full edit-distance table against ~500 names took seconds.
  assert.ok(timeOf(() => suggest(long, SYSCALL_NAMES, { max: 3 })) < 50);
});

test('10,000 unknown names near the candidates\' length are suggested in linear time', () => {
  const names = (n: number) => Array.from({ length: n }, (_, i) => `qq${i.toString(36)}_notacall`);
  suggest('warm', SYSCALL_NAMES);
  const small = timeOf(() => names(1250).forEach((w) => suggest(w, SYSCALL_NAMES, { max: 3 })));
  const large = timeOf(() => names(10_000).forEach((w) => suggest(w, SYSCALL_NAMES, { max: 3 })));
  // 8× the input: linear is ~8×; allow noise, refuse quadratic (~64×). Only the ratio is
  // judged: the time itself depends on the machine (an emulated aarch64 CPU took 5 s where
  // x86_64 takes 0.3 s).
  assert.ok(large < Math.max(small, 5) * 20, `1,250 names ${small.toFixed(1)} ms, 10,000 names ${large.toFixed(1)} ms`);
});
