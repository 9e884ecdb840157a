/**
 * lockdown()'s programs for its common options, compiled when the package was built
 * (precompiled.generated.ts, made by scripts/gen/lockdown.ts). A cold start spends most of
 * lockdown() planning and compiling the same two programs every time; for these options it
 * loads them as it loads a compileLockdown() file. They are byte for byte what the SDK's
 * compiler makes of the plan now (gen:check and a unit test compare).
 */
import { Action, actionsEqual } from '../actions.js';
import type { ArchName } from '../arch.js';
import type { ResolvedLockdownOptions } from './options.js';
import type { RuntimePresetName } from './presets.js';
import { PROGRAMS, SETS } from './precompiled.generated.js';

/** The arches the table covers: where serverless functions run. */
export const PRECOMPILED_ARCHES: readonly ArchName[] = Object.freeze(['x86_64', 'aarch64']);

export interface PrecompiledEntry {
  /** Indexes into PROGRAMS: the argument filter, then the main filter. */
  readonly programs: readonly [number, number];
  readonly allowed: number;
  readonly conditional: number;
  readonly denied: number;
  readonly enosys: number;
}

export function precompiledKey(arch: ArchName, preset: RuntimePresetName, readOnlyFs: boolean): string {
  return `${arch} ${preset}${readOnlyFs ? ' readOnlyFs' : ''}`;
}

const EPERM = Action.errno('EPERM');

/** The table's entry for these options, or undefined when they need a plan of their own. */
export function precompiledEntry(options: ResolvedLockdownOptions, arch: ArchName): PrecompiledEntry | undefined {
  const common = options.via === 'typescript' && typeof options.preset === 'string' && options.allow.length === 0 &&
    options.deny.length === 0 && !options.dryRun && actionsEqual(options.action, EPERM);
  if (!common || options.preset === 'docker-default') return undefined;
  return SETS[precompiledKey(arch, options.preset as RuntimePresetName, options.readOnlyFs)];
}

/** A fresh copy of one table program (callers bind the pid into it). */
export function precompiledProgram(index: number): Uint8Array {
  const text = PROGRAMS[index];
  if (text === undefined) throw new RangeError(`No precompiled program ${index}.`);
  return fromBase64(text);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** RFC 4648 base64, line breaks ignored, without atob (not in core's type libraries). */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = ALPHABET.indexOf(clean[i]!);
    if (v < 0) throw new RangeError(`Not base64: ${JSON.stringify(clean[i])} at ${i}.`);
    value = ((value << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}
