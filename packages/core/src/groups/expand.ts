/**
 * Group expansion. Nesting is resolved depth-first with the chain of groups being expanded
 * kept on a stack, so a table that loops is reported instead of recursing forever. The work
 * is done on an explicit table so tests can feed it broken ones; index.ts binds GROUPS.
 */
import type { ArchName } from '../arch.js';
import { UnknownSyscallError } from '../errors.js';
import { knownOn } from '../profile/tables.js';
import { isSyscallName, suggestSyscalls } from '../syscalls/index.js';
import { suggest } from '../suggest.js';
import { SyscallGroupCycleError, UnknownSyscallGroupError } from './errors.js';
import type { GroupDef } from './table.js';

export type GroupTable = Readonly<Record<string, GroupDef>>;

/** Which syscall names survive expansion; expansion itself never consults an arch. */
export type Keep = (syscall: string) => boolean;

export function isGroupRef(member: string): member is `@${string}` {
  return member.startsWith('@');
}

export function unknownGroup(table: GroupTable, name: string): UnknownSyscallGroupError {
  // suggest lowercases and compares whole strings, so `file-system` (no `@`) is one edit
  // from `@file-system` and still gets a useful suggestion.
  return new UnknownSyscallGroupError(name, suggest(name, Object.keys(table), { max: 3 }));
}

/** Every syscall `name` reaches through nesting, filtered by `keep`, unsorted. */
export function collectGroup(table: GroupTable, name: string, keep: Keep, out = new Set<string>()): Set<string> {
  const done = new Set<string>();
  const visit = (group: string, stack: readonly string[]): void => {
    if (stack.includes(group)) throw new SyscallGroupCycleError([...stack.slice(stack.indexOf(group)), group]);
    // A group reached twice along different paths (a diamond) is expanded once.
    if (done.has(group)) return;
    if (!Object.hasOwn(table, group)) {
      if (stack.length === 0) throw unknownGroup(table, group);
      throw new RangeError(`Syscall group "${stack[stack.length - 1]}" includes "${group}", which is not a group.`);
    }
    for (const member of table[group]!.members) {
      if (isGroupRef(member)) visit(member, [...stack, group]);
      else if (keep(member)) out.add(member);
    }
    done.add(group);
  };
  visit(name, []);
  return out;
}

/**
 * The syscalls `specs` select, read left to right: a name or `@group` adds, `~name` or
 * `~@group` removes from what has been added so far (so `["@file-system", "~unlink"]` and
 * `["~unlink", "@file-system"]` differ). Names that exist, but not where `keep` says, drop
 * out as group members do; names no arch knows throw UnknownSyscallError.
 */
export function collectSpecs(table: GroupTable, specs: readonly string[], keep: Keep, arch: string): Set<string> {
  if (!Array.isArray(specs)) throw new TypeError(`Syscall specs must be an array of strings, got ${typeof specs}.`);
  const selected = new Set<string>();
  for (const spec of specs) {
    if (typeof spec !== 'string') throw new TypeError(`A syscall spec must be a string, got ${typeof spec}.`);
    const negate = spec.startsWith('~');
    const body = negate ? spec.slice(1) : spec;
    let names: Iterable<string>;
    if (isGroupRef(body)) names = collectGroup(table, body, keep);
    else if (isSyscallName(body)) names = keep(body) ? [body] : [];
    else throw new UnknownSyscallError(body, arch, suggestSyscalls(body));
    for (const n of names) {
      if (negate) selected.delete(n);
      else selected.add(n);
    }
  }
  return selected;
}

/** A filter that keeps the names `arch` can filter on (see knownOn: x86 `recv` via socketcall). */
export function keepOn(arch: ArchName): Keep {
  return (name) => knownOn(name, arch);
}

export function sorted(names: Iterable<string>): string[] {
  return [...names].sort();
}
