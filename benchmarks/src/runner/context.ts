/**
 * What every group shares: the plan, the profiles (built here in Node with the same code
 * the children use), their C specs and checked BPF programs in a scratch directory, and a
 * small file for the read benchmark.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sdk } from '../node-sdk.js';
import type { ArchName, Profile } from '@seccomp/node';
import { buildFilterSet, FILTER_SET_NAMES, type FilterSetName } from '../scenarios/profiles.js';
import type { Options } from './args.js';
import type { Plan } from './plan.js';
import { profileToSpec } from './spec.js';

export interface Context {
  options: Options;
  plan: Plan;
  arch: ArchName;
  scratch: string;
  /** Each filter set's profiles in load order (one, or lockdown's two). */
  sets: Record<FilterSetName, Profile[]>;
  /** The C baseline's spec of each profile of a set. */
  specFiles: Record<FilterSetName, string[]>;
  /** Filled by the BPF check: each set's programs, identical on every runtime and in C. */
  bpf: Partial<Record<FilterSetName, Uint8Array[]>>;
  bpfFiles: Partial<Record<FilterSetName, string[]>>;
  /** 64 bytes to read in the syscall group. */
  smallFile: string;
  log(message: string): void;
  cleanup(): void;
}

export function createContext(options: Options, plan: Plan, log: (m: string) => void): Context {
  const arch = sdk.nativeArch();
  const scratch = mkdtempSync(join(tmpdir(), 'seccomp-bench-'));
  const sets = {} as Record<FilterSetName, Profile[]>;
  const specFiles = {} as Record<FilterSetName, string[]>;
  for (const name of FILTER_SET_NAMES) {
    sets[name] = buildFilterSet(sdk, name);
    specFiles[name] = sets[name].map((profile, i) => {
      const file = join(scratch, `${name}.${i}.spec`);
      writeFileSync(file, profileToSpec(profile, arch));
      return file;
    });
  }
  const smallFile = join(scratch, 'small.txt');
  writeFileSync(smallFile, 'x'.repeat(63) + '\n');
  return {
    options, plan, arch, scratch, sets, specFiles, bpf: {}, bpfFiles: {}, smallFile, log,
    cleanup: () => rmSync(scratch, { recursive: true, force: true }),
  };
}
