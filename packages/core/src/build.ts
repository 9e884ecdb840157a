/**
 * Profile → libseccomp filter context. A failure at any step releases the context and
 * rethrows, so nothing half-built is ever loaded.
 */
import { Action } from './actions.js';
import type { ArchName } from './arch.js';
import type { FilterOptions, SyscallFilter } from './filter.js';
import type { Profile } from './profile/index.js';

type MakeFilter = (defaultAction: Action, options: FilterOptions) => SyscallFilter;

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

export function buildFilter(make: MakeFilter, profile: Profile, nativeArchName?: ArchName): SyscallFilter {
  const filter = make(profile.defaultAction, { tsync: profile.attributes?.tsync ?? true });
  try {
    applyAttributes(filter, profile);
    if (nativeArchName) applyArches(filter, profile, nativeArchName);
    for (const rule of profile.rules) {
      for (const syscall of rule.syscalls) {
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
