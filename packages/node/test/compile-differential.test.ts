// The compiler differential (core's testing/compile-differential.ts), with libseccomp built
// through koffi and the kernel sample in Node children.
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineCompileDifferential } from '@seccomp/core/testing';
import * as seccomp from '../src/index.js';

defineCompileDifferential({
  runtime: 'node',
  test: (name, fn) => test(name, fn),
  skip: (name, reason) => test(name, { skip: reason }, () => {}),
  arch: nativeArch(),
  libseccomp: seccomp,
  command: {
    argv: [process.execPath],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../dist/index.js', import.meta.url).href,
  },
});
