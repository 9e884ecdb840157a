/**
 * The check that runs before anything is timed: this runtime's SDK compiles every profile
 * through libseccomp (the path the load, syscall and BPF groups measure), and the runner
 * compares the bytes with the other runtimes' and with the C baseline's.
 */
import type { Kit } from '../kit.js';
import { buildFilterSet, FILTER_SET_NAMES } from './profiles.js';

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** Filter set → the hex of each of its programs, in load order. */
export function compileScenario(kit: Kit): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of FILTER_SET_NAMES) out[name] = buildFilterSet(kit.sdk, name).map((p) => hex(kit.sdk.seccomp.compile(p, { via: 'libseccomp' })));
  return out;
}
