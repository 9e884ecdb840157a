/**
 * Before anything is timed: every runtime's SDK and the C baseline must generate the same
 * BPF, byte for byte, for every filter — otherwise they would not be doing the same work.
 * The checked programs are what the precompiled (loadBpf) samples load.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILTER_SET_NAMES } from '../scenarios/profiles.js';
import { RUNTIMES, runNativeBytes, runScenario } from '../runner/children.js';
import type { Context } from '../runner/context.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

export type CheckResult = Record<string, { instructions: number[]; sha256: string[] }>;

export function checkBpf(ctx: Context): CheckResult {
  const fromC = Object.fromEntries(FILTER_SET_NAMES.map((name) => [name, ctx.specFiles[name].map((spec) => runNativeBytes('load', ['export', spec]))]));
  for (const runtime of RUNTIMES) {
    const compiled = runScenario<Record<string, string[]>>(runtime, 'compile');
    for (const name of FILTER_SET_NAMES) {
      if (compiled[name]?.join(',') !== fromC[name]!.map(hex).join(',')) {
        throw new Error(`${runtime}'s SDK and the C baseline generate different BPF for ${name}: they would not measure the same work`);
      }
    }
  }
  const out: CheckResult = {};
  for (const name of FILTER_SET_NAMES) {
    const programs = fromC[name]!;
    ctx.bpf[name] = programs;
    ctx.bpfFiles[name] = programs.map((bytes, i) => {
      const file = join(ctx.scratch, `${name}.${i}.bpf`);
      writeFileSync(file, bytes);
      return file;
    });
    out[name] = {
      instructions: programs.map((p) => p.length / 8),
      sha256: programs.map((p) => createHash('sha256').update(p).digest('hex')),
    };
  }
  return out;
}
