// The public surface: the same names as @seccomp/node and @seccomp/deno (one expectation in
// core's testing), from the source and from the npm build.
import { expect, test } from 'bun:test';
import * as core from '@seccomp/core';
import { runtimeSurfaceProblems } from '@seccomp/core/testing';
import * as source from '../src/index.js';

test('@seccomp/bun exports core\'s public list and the bound API, nothing else', () => {
  expect(runtimeSurfaceProblems(source as Record<string, unknown>, core)).toEqual([]);
});

test('the npm build exports the same', async () => {
  const built = await import(new URL('../dist/index.js', import.meta.url).href);
  expect(runtimeSurfaceProblems(built, core)).toEqual([]);
  expect(built.ProfileError).toBe(core.ProfileError);
});
