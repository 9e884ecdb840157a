/**
 * lockdown()'s options, checked before any FFI call: a mistake is a TypeError or RangeError
 * that says what to write instead.
 */
import { Action, formatAction, isAction, parseAction } from '../actions.js';
import { compilerOf, type Compiler } from '../compiler.js';
import { isPresetName, PRESET_NAMES, type LockdownPresetName } from './presets.js';

export interface LockdownOptions {
  /**
   * What the process may still do: a preset name, or your own syscall specs (names and
   * @groups). Default: the preset of the runtime calling it (node, bun or deno).
   */
  preset?: LockdownPresetName | readonly string[];
  /** More syscalls (names or @groups) to allow on top of the preset. Never overrides the fixed deny list. */
  allow?: readonly string[];
  /** More syscalls (names or @groups) to deny on top of the fixed list. */
  deny?: readonly string[];
  /** What a denied syscall gets: errno (default EPERM), killProcess or log. */
  action?: Action | string;
  /** Install the same filters, but log what they would deny instead of denying it. */
  dryRun?: boolean;
  /** Deny opening files for writing, creating, truncating or appending, and path changes (mkdir, unlink, …). */
  readOnlyFs?: boolean;
  /**
   * Have the kernel log every refusal (SECCOMP_FILTER_FLAG_LOG): records appear in the kernel
   * log or the audit log, where `seccomp decode` reads them. Also allowed beside `bpf`.
   */
  logDenials?: boolean;
  /** A program made by compileLockdown(): loaded with seccomp(2), without libseccomp. */
  bpf?: Uint8Array;
  /** Which compiler builds the filters: the SDK's ("typescript", the default) or "libseccomp". */
  via?: Compiler;
}

/** The options once checked: what the plan and the loader work from. */
export interface ResolvedLockdownOptions {
  preset: LockdownPresetName | readonly string[];
  allow: readonly string[];
  deny: readonly string[];
  action: Action;
  dryRun: boolean;
  readOnlyFs: boolean;
  logDenials: boolean;
  via: Compiler;
}

const KEYS = ['preset', 'allow', 'deny', 'action', 'dryRun', 'readOnlyFs', 'logDenials', 'bpf', 'via'];

function specs(value: unknown, what: string): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
    throw new TypeError(`lockdown({ ${what} }) takes an array of syscall names or @groups, such as ["getrandom", "@timer"].`);
  }
  return Object.freeze([...value]);
}

function flag(value: unknown, what: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(`lockdown({ ${what} }) is true or false, got ${String(value)}.`);
  return value;
}

/** errno(n), killProcess or log; the rest would hang a runtime (killThread) or need a helper process. */
export function denialAction(value: unknown): Action {
  if (value === undefined) return Action.errno('EPERM');
  const action = typeof value === 'string' ? parseAction(value) : value;
  if (!isAction(action)) throw new TypeError('lockdown({ action }) is Action.errno("EPERM"), Action.killProcess or Action.log (or "errno(EPERM)", "killProcess", "log").');
  if (action.kind === 'errno' || action.kind === 'killProcess' || action.kind === 'log') return action;
  const why = action.kind === 'killThread'
    ? 'killThread stops one thread and leaves a runtime hanging on the others; use killProcess'
    : `${formatAction(action)} needs a tracer, a SIGSYS handler or a supervisor; use errno, killProcess or log`;
  throw new RangeError(`lockdown({ action }): ${why}.`);
}

/** Checks everything except `bpf`, which lockdown() checks when it decodes it. */
export function resolveOptions(options: LockdownOptions | undefined, runtime: LockdownPresetName): ResolvedLockdownOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('lockdown() takes an options object, such as { readOnlyFs: true }.');
  }
  const o = options ?? {};
  const unknown = Object.keys(o).filter((k) => !KEYS.includes(k));
  if (unknown.length) throw new TypeError(`Unknown lockdown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: use ${KEYS.join(', ')}.`);
  let preset: LockdownPresetName | readonly string[] = runtime;
  if (o.preset !== undefined) {
    if (typeof o.preset === 'string') {
      if (!isPresetName(o.preset)) throw new RangeError(`Unknown lockdown preset "${o.preset}": use ${PRESET_NAMES.join(', ')}, or an array of syscall specs.`);
      preset = o.preset;
    } else {
      preset = specs(o.preset, 'preset');
    }
  }
  return {
    preset,
    allow: specs(o.allow, 'allow'),
    deny: specs(o.deny, 'deny'),
    action: denialAction(o.action),
    dryRun: flag(o.dryRun, 'dryRun'),
    readOnlyFs: flag(o.readOnlyFs, 'readOnlyFs'),
    logDenials: flag(o.logDenials, 'logDenials'),
    via: compilerOf(o.via, 'lockdown()'),
  };
}

/**
 * With a precompiled program, the policy is the program's: other policy options would be
 * silently ignored. logDenials is not policy (a flag of the load), so it may be given.
 */
export function assertBpfAlone(options: LockdownOptions): void {
  const extra = Object.keys(options).filter((k) => k !== 'bpf' && k !== 'logDenials' && (options as Record<string, unknown>)[k] !== undefined);
  if (extra.length) {
    throw new TypeError(`lockdown({ bpf }) loads a policy compiled earlier; ${extra.join(', ')} cannot change it. Pass them to compileLockdown() instead.`);
  }
  flag(options.logDenials, 'logDenials');
  if (!(options.bpf instanceof Uint8Array)) throw new TypeError('lockdown({ bpf }) takes the Uint8Array compileLockdown() returned (for example read from a .bpf file).');
}
