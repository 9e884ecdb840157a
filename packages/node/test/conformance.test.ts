// The shared conformance suite, run by node:test with Node children.
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineConformanceSuite } from '@seccomp/core/testing';

defineConformanceSuite({
  runtime: 'node',
  test: (name, fn) => test(name, fn),
  skip: (name, reason) => test(name, { skip: reason }, () => {}),
  arch: nativeArch(),
  command: {
    argv: [process.execPath],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../dist/index.js', import.meta.url).href,
  },
});
