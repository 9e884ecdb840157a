/**
 * Named syscall groups (`@file-system`, `@privileged`, …) and the spec lists built from
 * them, so a profile or lockdown can say "deny @mount" instead of listing fourteen calls.
 * Expansion is per arch: a group yields only the names that arch can filter on.
 */
import { nativeArch, type ArchName } from '../arch.js';
import { collectGroup, collectSpecs, keepOn, sorted, unknownGroup } from './expand.js';
import { GROUPS, type SyscallGroupName } from './table.js';

export { SyscallGroupCycleError, UnknownSyscallGroupError } from './errors.js';
export type { SyscallGroupName } from './table.js';

export interface GroupInfo {
  readonly name: SyscallGroupName;
  readonly description: string;
  /** Direct members as written: syscall names and nested `@group` names. */
  readonly members: readonly string[];
}

let infos: readonly GroupInfo[] | undefined;
/** Expansions are pure functions of the tables, so each (arch, group) is computed once. */
const expanded = new Map<string, readonly string[]>();

/** Every group, sorted by name. */
export function listGroups(): GroupInfo[] {
  infos ??= Object.freeze(
    (Object.keys(GROUPS) as SyscallGroupName[]).sort().map((name) =>
      Object.freeze({ name, description: GROUPS[name].description, members: Object.freeze([...GROUPS[name].members]) }),
    ),
  );
  return [...infos];
}

export function isSyscallGroupName(name: unknown): name is SyscallGroupName {
  return typeof name === 'string' && Object.hasOwn(GROUPS, name);
}

/**
 * The syscalls `group` covers on `arch` (default: native), nesting resolved, sorted and
 * without duplicates. Names the arch lacks are left out (aarch64 has no `open`); on arches
 * that multiplex sockets and SysV IPC the multiplexed names stay, since libseccomp filters
 * them through socketcall(2)/ipc(2). Throws UnknownSyscallGroupError with suggestions.
 */
export function expandGroup(group: SyscallGroupName | (string & {}), arch?: ArchName): string[] {
  if (typeof group !== 'string') throw new TypeError(`A syscall group name must be a string, got ${typeof group}.`);
  if (!isSyscallGroupName(group)) throw unknownGroup(GROUPS, group);
  const on = arch ?? nativeArch();
  const key = `${on}\0${group}`;
  let names = expanded.get(key);
  if (!names) {
    names = Object.freeze(sorted(collectGroup(GROUPS, group, keepOn(on))));
    expanded.set(key, names);
  }
  return [...names];
}

/**
 * The syscalls a list of specs selects on `arch` (default: native), sorted. A spec is a
 * syscall name, a `@group`, or either with `~` in front to remove it from what the specs
 * before it selected: `["@system-service", "~@setuid", "setuid"]` is the service set
 * without the id changes except setuid. Unknown syscalls throw UnknownSyscallError and
 * unknown groups UnknownSyscallGroupError, both with suggestions.
 */
export function expandSyscallSpecs(specs: readonly string[], arch?: ArchName): string[] {
  const on = arch ?? nativeArch();
  return sorted(collectSpecs(GROUPS, specs, keepOn(on), on));
}
