#!/usr/bin/env node
/**
 * In the guest: arm32 compat, the other ABI an aarch64 kernel may run (CONFIG_COMPAT; Debian's
 * arm64 kernel has it). A 64-bit process cannot make a compat syscall itself, so a filter
 * meets one only in a 32-bit program the filtered process runs: a child of each runtime (Node,
 * Bun, Deno: its own package, its own FFI) loads a filter, then runs compat-arm32.c (static
 * armhf). Each row is tried with both compilers on each runtime.
 *
 * - control, no filter: the program runs and getpid answers (the kernel has the compat ABI);
 * - a filter for aarch64 alone (badArchAction killProcess): the program dies of SIGSYS;
 * - a filter for aarch64 and arm denying getpid with EPERM: arm's getpid (20) is refused,
 *   so the SDK put arm's number under arm's audit arch.
 *
 *   node tools/aarch64/compat.mjs
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = new URL('../../', import.meta.url);
/** How to start a child of each runtime on this script, and the package it loads. */
const RUNTIMES = {
  node: { argv: [process.execPath], pkg: 'packages/node/dist/index.js' },
  bun: { argv: [fileURLToPath(new URL('node_modules/.bin/bun', root))], pkg: 'packages/bun/dist/index.js' },
  deno: { argv: [fileURLToPath(new URL('node_modules/.bin/deno', root)), 'run', '-A'], pkg: 'packages/deno/dist/index.js' },
};

if (process.argv[2] === '--child') {
  const [runtime, program, caseJson] = process.argv.slice(3);
  const { arches, rule, via } = JSON.parse(caseJson);
  const sdk = await import(new URL(RUNTIMES[runtime].pkg, root).href);
  if (arches) {
    const profile = sdk.defineProfile({
      defaultAction: sdk.Action.allow,
      arches,
      attributes: { badArchAction: sdk.Action.killProcess },
      rules: rule ? [{ syscalls: ['getpid'], action: sdk.Action.errno('EPERM') }] : [],
    });
    sdk.loadBpf(sdk.compile(profile, { via }));
  }
  const r = spawnSync(program, { encoding: 'utf8' });
  console.log(JSON.stringify({ status: r.status, signal: r.signal, stdout: r.stdout, error: r.error?.message }));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'seccomp-compat-'));
const program = join(dir, 'compat-arm32');
execFileSync('arm-linux-gnueabihf-gcc', ['-static', '-O2', '-Wall', '-Werror', '-o', program, fileURLToPath(new URL('./compat-arm32.c', import.meta.url))]);

const runCase = (runtime, c) => {
  const [exe, ...lead] = RUNTIMES[runtime].argv;
  const r = spawnSync(exe, [...lead, fileURLToPath(import.meta.url), '--child', runtime, program, JSON.stringify(c)], {
    encoding: 'utf8', env: { ...process.env, UV_USE_IO_URING: '0' }, timeout: 300_000,
  });
  assert.equal(r.status, 0, `the ${runtime} child failed: ${r.status} ${r.signal}\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
};

let failed = 0;
const check = (name, fn) => {
  try {
    fn();
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${name}: ${e.message}`);
  }
};

for (const runtime of Object.keys(RUNTIMES)) {
  check(`${runtime}: control: the arm32 program runs (the kernel has the compat ABI)`, () => {
    const o = runCase(runtime, {});
    assert.equal(o.status, 0, JSON.stringify(o));
    assert.match(o.stdout, /^ARM32 getpid=[1-9]\d* errno=0$/m);
  });
  for (const via of ['typescript', 'libseccomp']) {
    check(`${runtime}, ${via}: a filter for aarch64 alone kills the arm32 program (badArchAction)`, () => {
      const o = runCase(runtime, { arches: ['aarch64'], via });
      assert.deepEqual([o.status, o.signal, o.stdout], [null, 'SIGSYS', ''], JSON.stringify(o));
    });
    check(`${runtime}, ${via}: a filter for aarch64 and arm refuses arm's getpid (20) with EPERM`, () => {
      const o = runCase(runtime, { arches: ['aarch64', 'arm'], rule: true, via });
      assert.equal(o.status, 0, JSON.stringify(o));
      assert.match(o.stdout, /^ARM32 getpid=-1 errno=1$/m);
    });
    check(`${runtime}, ${via}: the same filter without the rule lets arm's getpid through`, () => {
      const o = runCase(runtime, { arches: ['aarch64', 'arm'], via });
      assert.match(o.stdout, /^ARM32 getpid=[1-9]\d* errno=0$/m, JSON.stringify(o));
    });
  }
}
process.exit(failed ? 1 : 0);
