// The compiler differential (core's testing/compile-differential.ts), with libseccomp built
// through Deno.dlopen and the kernel sample in Deno children (importing the TypeScript source,
// as JSR users do).
import { fileURLToPath } from 'node:url';
import { nativeArch } from '@seccomp/core';
import { defineCompileDifferential } from '@seccomp/core/testing';
import * as seccomp from '../src/index.ts';

defineCompileDifferential({
  runtime: 'deno',
  test: (name, fn) => Deno.test(name, fn),
  skip: (name, reason) => Deno.test({ name: `${name} (skipped: ${reason})`, ignore: true, fn() {} }),
  arch: nativeArch(),
  libseccomp: seccomp,
  command: {
    argv: [Deno.execPath(), 'run', '-A'],
    entry: fileURLToPath(import.meta.resolve('@seccomp/core/testing/child')),
    packageUrl: new URL('../src/index.ts', import.meta.url).href,
  },
});
