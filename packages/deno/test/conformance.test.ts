// The shared conformance suite, run by `deno test` with Deno children, twice: once with
// children that import the TypeScript source (what JSR users run) and once with children
// that import the npm build (dist/index.js, what npm users run).
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineConformanceSuite } from '@seccomp/core/testing';

const BUILDS = { source: '../src/index.ts', 'npm build': '../dist/index.js' };

for (const [build, entry] of Object.entries(BUILDS)) {
  // The suite's names start with "[deno]"; the build goes after them so both runs differ.
  const named = (name: string) => (build === 'source' ? name : `${name} [${build}]`);
  defineConformanceSuite({
    runtime: 'deno',
    test: (name, fn) => Deno.test(named(name), fn),
    skip: (name, reason) => Deno.test({ name: `${named(name)} (skipped: ${reason})`, ignore: true, fn() {} }),
    arch: nativeArch(),
    command: {
      argv: [Deno.execPath(), 'run', '-A'],
      entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
      packageUrl: new URL(entry, import.meta.url).href,
    },
  });
}
