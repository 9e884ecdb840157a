// A TSYNC failure is a TsyncError that names the thread as a field (tid), not only in words.
// Filters load in child processes; the control child (no filter of the worker's own) loads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./tsync.child.mjs', import.meta.url));
const pkg = new URL('../dist/index.js', import.meta.url).href;

function run(mode: 'filter' | 'control'): Record<string, unknown> {
  const r = spawnSync(process.execPath, [child, pkg, mode], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

test('control: with no filter of its own on the worker, TSYNC loads on every thread', () => {
  const out = run('control');
  assert.equal(out.loaded, true);
  assert.equal(out.getppid, 77, 'the filter answers on the main thread');
});

test('a worker with a filter of its own: TsyncError (ESRCH) with the worker\'s tid, nothing loaded', () => {
  const out = run('filter');
  assert.equal(out.loaded, false);
  assert.equal(out.name, 'TsyncError');
  assert.equal(out.isTsyncError, true);
  assert.equal(out.errno, 3);
  assert.equal(typeof out.workerTid, 'number');
  assert.equal(out.tid, out.workerTid);
});
