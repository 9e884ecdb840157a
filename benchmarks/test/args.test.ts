import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GROUPS, parseArgs } from '../src/runner/args.js';

test('no arguments: every group, full samples, recorded as the plain command', () => {
  assert.deepEqual(parseArgs([]), { quick: false, render: false, groups: [...GROUPS], partial: false, command: 'pnpm bench' });
});

test('--quick, --render and --only=…, with a `--` from pnpm dropped wherever it stands', () => {
  assert.deepEqual(parseArgs(['--', '--quick', '--only=coldstart']), { quick: true, render: false, groups: ['coldstart'], partial: true, command: 'pnpm bench --quick --only=coldstart' });
  assert.deepEqual(parseArgs(['--render']).render, true);
  assert.deepEqual(parseArgs(['--only=bpf,load']).groups, ['bpf', 'load']);
  // Naming every group is not a partial run: the committed results may be replaced.
  assert.equal(parseArgs([`--only=${GROUPS.join(',')}`]).partial, false);
});

test('an unknown group, option or argument is refused with the usage', () => {
  assert.throws(() => parseArgs(['--only=ffi,nope']), /unknown group\(s\) nope; groups: bpf, ffi/);
  assert.throws(() => parseArgs(['--fast']), /--fast.*usage: pnpm bench \[--quick\]/);
  assert.throws(() => parseArgs(['quick']), /quick.*usage: pnpm bench/);
  assert.throws(() => parseArgs(['--quick=yes']), /--quick.*usage: pnpm bench/);
});
