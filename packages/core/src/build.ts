/**
 * Profile → libseccomp filter context. A failure at any step releases the context and
 * rethrows, so nothing half-built is ever loaded.
 */
import { Action, actionSeverity, formatAction } from './actions.js';
import { UnknownToLibraryError } from './errors.js';
import type { CompileWarning } from './compiler.js';
import type { ArchName } from './arch.js';
import { assertLibseccompTerminates } from './libseccomp-loop.js';
import type { FilterOptions, SyscallFilter } from './filter.js';
import type { Profile, Rule } from './profile/index.js';

type MakeFilter = (defaultAction: Action, options: FilterOptions) => SyscallFilter;

export interface BuildOptions {
  /** The host's arch; a profile listing other arches gets them added and this one removed. */
  nativeArch?: ArchName;
  /** Whether the loaded libseccomp knows a syscall name (see `unknownToLibrary`). */
  libraryKnows?: (name: string) => boolean;
  /** Told about every rule left out, with the reason (code 'leftOut'). */
  onWarning?: (warning: CompileWarning) => void;
}

/**
 * A name the SDK's tables know but the loaded libseccomp does not (2.5 lacks the newest
 * syscalls) can only be added on a native-only filter, by number. On a multi-arch filter
 * libseccomp cannot translate it. Leaving out a rule that is more permissive than the default
 * fails closed (the syscall gets the default), as runc does; leaving out a stricter rule
 * would open a hole, so that is an error.
 */
function unknownToLibrary(profile: Profile, rule: Rule, index: number, name: string, opts: BuildOptions): 'add' | 'skip' {
  const arches = profile.arches ?? [];
  const nativeOnly = !arches.length || (arches.length === 1 && arches[0] === opts.nativeArch);
  if (nativeOnly || !opts.libraryKnows || opts.libraryKnows(name)) return 'add';
  const where = `syscall "${name}" (${formatAction(rule.action)}) on arches ${arches.join(', ')}`;
  if (actionSeverity(rule.action) < actionSeverity(profile.defaultAction)) {
    const message = `${where}: left out — the loaded libseccomp does not know it, so it gets the default action ${formatAction(profile.defaultAction)}`;
    opts.onWarning?.({ code: 'leftOut', syscall: name, rule: index, arches: Object.freeze([...arches]), message });
    return 'skip';
  }
  throw new UnknownToLibraryError(
    name, index, arches,
    `the loaded libseccomp does not know ${where}, and leaving a rule stricter than the default out would let the syscall through; upgrade libseccomp or limit the profile to the native arch`,
  );
}

function applyAttributes(filter: SyscallFilter, profile: Profile): void {
  const a = profile.attributes ?? {};
  if (a.noNewPrivs === false) filter.setAttr('noNewPrivs', false);
  if (a.log) filter.setAttr('log', true);
  if (a.specAllow) filter.setAttr('specAllow', true);
  if (a.optimize) filter.setAttr('optimize', a.optimize);
  if (a.rawRc) filter.setAttr('rawRc', true);
  if (a.apiTskip) filter.setAttr('apiTskip', true);
  // libseccomp's default is a thread-only kill; in a runtime that leaves the process hanging
  // on its other threads, so a profile kills the whole process unless it says otherwise.
  filter.setAttr('badArchAction', a.badArchAction ?? Action.killProcess);
}

function applyArches(filter: SyscallFilter, profile: Profile, native: ArchName): void {
  const arches = profile.arches ?? [];
  if (!arches.length) return;
  for (const arch of arches) if (!filter.hasArch(arch)) filter.addArch(arch);
  if (!arches.includes(native)) filter.removeArch(native);
}

export function buildFilter(make: MakeFilter, profile: Profile, opts: BuildOptions = {}): SyscallFilter {
  // Before any FFI call: a profile libseccomp would loop on must never reach it.
  assertLibseccompTerminates(profile, opts.nativeArch);
  const filter = make(profile.defaultAction, { tsync: profile.attributes?.tsync ?? true });
  try {
    applyAttributes(filter, profile);
    if (opts.nativeArch) applyArches(filter, profile, opts.nativeArch);
    for (const [index, rule] of profile.rules.entries()) {
      for (const syscall of rule.syscalls) {
        if (typeof syscall === 'string' && unknownToLibrary(profile, rule, index, syscall, opts) === 'skip') continue;
        if (rule.priority !== undefined) filter.setSyscallPriority(syscall, rule.priority);
        if (rule.exact) filter.addRuleExact(rule.action, syscall, ...(rule.conditions ?? []));
        else filter.addRule(rule.action, syscall, ...(rule.conditions ?? []));
      }
    }
    return filter;
  } catch (err) {
    filter.release();
    throw err;
  }
}
