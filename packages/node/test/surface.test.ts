// The public surface: the same names as @seccomp/bun and @seccomp/deno (one expectation in
// core's testing), by import and by require, with one copy of each class.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import * as core from '@seccomp/core';
import { runtimeSurfaceProblems } from '@seccomp/core/testing';

const require = createRequire(import.meta.url);

test('@seccomp/node (ESM) exports core\'s public list and the bound API, nothing else', async () => {
  const mod = await import(new URL('../dist/index.js', import.meta.url).href);
  assert.deepEqual(runtimeSurfaceProblems(mod, core), []);
  assert.equal(mod.ProfileError, core.ProfileError, 'one ProfileError class');
});

test('@seccomp/node (CommonJS) exports the same names, with one copy of core\'s classes', () => {
  const mod = require('../dist/index.cjs');
  const coreCjs = require('@seccomp/core');
  assert.deepEqual(runtimeSurfaceProblems(mod, coreCjs), []);
  assert.equal(mod.ProfileError, coreCjs.ProfileError);
  assert.equal(require('@seccomp/core/internal').ProfileError, coreCjs.ProfileError, 'internal and public entries share classes');
  assert.deepEqual(Object.keys(mod).sort(), Object.keys(require('../dist/index.cjs')).sort());
});

test('nothing of the plumbing is public: core\'s unbound forms and backend objects stay internal', () => {
  const names = new Set(Object.keys(core));
  for (const internal of ['Native', 'check', 'lazyLibrary', 'capabilitiesOf', 'buildFilter', 'symbolSince', 'libraryCandidates',
    'createSeccomp', 'nativeOf', 'BPF_JEQ', 'stmt', 'loadBpf', 'rawSyscall', 'strictMode', 'takeFd', 'SyscallFilter', 'NotifySupervisor']) {
    assert.equal(names.has(internal), false, internal);
  }
});
