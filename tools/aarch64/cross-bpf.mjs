#!/usr/bin/env node
/**
 * Host side: compileLockdown() for aarch64, made on this (x86_64) machine, as a build step for
 * an Arm deployment would make it. The SDK's compiler needs no libseccomp and no aarch64
 * kernel, so the backend here is a stand-in whose host reports aarch64 and which opens no
 * library. The guest loads each file with lockdown({ bpf }) (cross-check.mjs).
 *
 *   node tools/aarch64/cross-bpf.mjs <out dir>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLockdown, decodeLockdownBpf } from '../../packages/core/dist/lockdown.js';

const outDir = process.argv[2];
if (!outDir) throw new Error('usage: cross-bpf.mjs <out dir>');

const aarch64Host = {
  runtime: 'node',
  open() {
    throw new Error('cross-compiling for aarch64 must not open a library on the build machine');
  },
  host: { machine: () => 'aarch64' },
};
const { compileLockdown } = createLockdown(aarch64Host);

/** Both of the compiler's paths: a precompiled plan, and options planned and compiled now. */
export const CROSS_CASES = {
  'node-default': {},
  'node-readonly-deny-getcpu': { readOnlyFs: true, deny: ['getcpu'] },
};

mkdirSync(outDir, { recursive: true });
for (const [name, options] of Object.entries(CROSS_CASES)) {
  const bytes = compileLockdown({ ...options, via: 'typescript' });
  const { meta, programs } = decodeLockdownBpf(bytes);
  if (meta.arch !== 'aarch64') throw new Error(`${name}: compiled for ${meta.arch}, not aarch64`);
  writeFileSync(join(outDir, `${name}.bpf`), bytes);
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(options)}\n`);
  console.log(`${name}: ${bytes.length} bytes, ${programs.length} programs, compiled by ${meta.compiler} on ${process.arch}`);
}
