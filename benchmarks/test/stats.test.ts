import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, quantile, summary } from '../src/runner/stats.js';

test('median of odd and even counts, without reordering the input', () => {
  const v = [5, 1, 3];
  assert.equal(median(v), 3);
  assert.deepEqual(v, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('quartiles interpolate', () => {
  assert.equal(quantile([1, 2, 3, 4, 5], 0.25), 2);
  assert.deepEqual(summary([1, 2, 3, 4, 5]), { median: 3, p25: 2, p75: 4, n: 5 });
});
