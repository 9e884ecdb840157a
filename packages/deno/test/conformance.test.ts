// The shared conformance suite, run by `deno test` with Deno children. The children import
// the TypeScript source, which is what JSR users run; the npm build is checked in quirks.test.ts.
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineConformanceSuite } from '@seccomp/core/testing';

defineConformanceSuite({
  runtime: 'deno',
  test: (name, fn) => Deno.test(name, fn),
  skip: (name, reason) => Deno.test({ name: `${name} (skipped: ${reason})`, ignore: true, fn() {} }),
  arch: nativeArch(),
  command: {
    argv: [Deno.execPath(), 'run', '-A'],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../src/index.ts', import.meta.url).href,
  },
});
