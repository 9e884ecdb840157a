// The shared conformance suite, run by bun:test with Bun children.
import { test } from 'bun:test';
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineConformanceSuite } from '@seccomp/core/testing';

// Each test starts (and may wait out) a child process; a hung child alone takes seconds.
const TIMEOUT_MS = 60_000;

defineConformanceSuite({
  runtime: 'bun',
  test: (name, fn) => test(name, fn, TIMEOUT_MS),
  skip: (name, reason) => test.skip(`${name} (skipped: ${reason})`, () => {}),
  arch: nativeArch(),
  command: {
    argv: [process.execPath],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../dist/index.js', import.meta.url).href,
  },
});
