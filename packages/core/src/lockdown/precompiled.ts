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
import { PROGRAMS, SECCOMP_NR, SETS } from './precompiled.generated.js';

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
  return decodeBase64(text);
}

/** seccomp(2)'s number on `arch`, as resolveSyscall gives it, without building its name index. */
export function seccompNumber(arch: ArchName): number {
  return SECCOMP_NR[arch];
}

type NativeBase64 = { fromBase64?: (text: string) => Uint8Array };
type NodeBuffer = { from(text: string, encoding: 'base64'): Uint8Array };

/**
 * The engine's own decoder where there is one — Uint8Array.fromBase64 (Bun, Deno), else
 * Node's Buffer — and fromBase64 below elsewhere: a JavaScript loop run once, cold, costs
 * ten times as much (0.4 against 0.04 ms for lockdown's two programs on Node).
 */
export function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as NativeBase64).fromBase64;
  if (typeof native === 'function') return native(text);
  const buffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
  if (typeof buffer?.from === 'function') {
    const bytes = buffer.from(text, 'base64');
    // A copy of exactly its bytes: Node's small Buffers are views into a shared pool.
    return new Uint8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  return fromBase64(text);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → its 6 bits, -1 for anything else. */
const SEXTETS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) SEXTETS[ALPHABET.charCodeAt(i)] = i;

/**
 * RFC 4648 base64, line breaks ignored, without atob (not in core's type libraries). Four
 * characters at a time: this runs once per cold start, before the engine has compiled it.
 */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  const sextet = (i: number): number => {
    const v = SEXTETS[clean.charCodeAt(i)] ?? -1;
    if (v < 0) throw new RangeError(`Not base64: ${JSON.stringify(clean[i])} at ${i}.`);
    return v;
  };
  let at = 0;
  let i = 0;
  for (; i + 4 <= clean.length; i += 4) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (sextet(i + 2) << 6) | sextet(i + 3);
    out[at++] = n >> 16;
    out[at++] = (n >> 8) & 0xff;
    out[at++] = n & 0xff;
  }
  // The tail: 2 characters make one byte, 3 make two.
  if (clean.length - i >= 2) {
    const n = (sextet(i) << 18) | (sextet(i + 1) << 12) | (clean.length - i === 3 ? sextet(i + 2) << 6 : 0);
    out[at++] = n >> 16;
    if (clean.length - i === 3) out[at++] = (n >> 8) & 0xff;
  } else if (clean.length - i === 1) {
    throw new RangeError('Not base64: one character left over.');
  }
  return out;
}
