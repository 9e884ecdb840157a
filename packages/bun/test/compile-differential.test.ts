// The compiler differential (core's testing/compile-differential.ts), with libseccomp built
// through bun:ffi and the kernel sample in Bun children.
import { test } from 'bun:test';
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineCompileDifferential } from '@seccomp/core/testing';
import * as seccomp from '../src/index.js';

// Ten thousand profiles take seconds, not bun's default 5.
const TIMEOUT_MS = 300_000;

defineCompileDifferential({
  runtime: 'bun',
  test: (name, fn) => test(name, fn, TIMEOUT_MS),
  skip: (name, reason) => test.skip(`${name} (skipped: ${reason})`, () => {}),
  arch: nativeArch(),
  libseccomp: seccomp,
  command: {
    argv: [process.execPath],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../dist/index.js', import.meta.url).href,
  },
});
