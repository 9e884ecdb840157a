// The public surface: the same names as @seccomp/node and @seccomp/bun (one expectation in
// core's testing), from the source (JSR) and from the npm build.
import assert from 'node:assert/strict';
import * as core from '@seccomp/core';
import { runtimeSurfaceProblems } from '@seccomp/core/testing';
import * as source from '../src/index.ts';

Deno.test('@seccomp/deno exports core\'s public list and the bound API, nothing else', () => {
  assert.deepEqual(runtimeSurfaceProblems(source as Record<string, unknown>, core), []);
});

Deno.test('the npm build exports the same', async () => {
  const built = await import(new URL('../dist/index.js', import.meta.url).href);
  assert.deepEqual(runtimeSurfaceProblems(built, core), []);
  assert.equal(built.ProfileError, core.ProfileError);
});
