/**
 * libseccomp 2.5.4's list of syscalls per arch (src/gen_bpf.c _gen_bpf_syscalls,
 * _sys_priority_sort): the order in which it generates, and later lays out, their code.
 */
import type { ArchName } from '../arch.js';
import type { Profile } from '../profile/model.js';
import type { ArchPlan } from './lower.js';

/** One syscall in libseccomp's list. */
export interface Listed {
  /** As libseccomp holds it (unsigned: its pseudo numbers sort last). */
  readonly nr: number;
  readonly priority: number;
}

/** libseccomp's filters in the order it holds them: the native arch first when listed. */
export function filterOrder(profile: Profile, plans: readonly ArchPlan[], native: ArchName): ArchPlan[] {
  const byName = new Map(plans.map((p) => [p.arch.name, p]));
  const names = profile.arches?.length ? [...new Set(profile.arches)] : [native];
  const ordered = names.includes(native) ? [native, ...names.filter((n) => n !== native)] : names;
  return ordered.map((n) => byName.get(n)!);
}

/** Filters walked as one list: x86_64 and x32 share one, at the place of the first. */
export function listGroups(order: readonly ArchPlan[]): ArchPlan[][] {
  const abi = (p: ArchPlan) => p.arch.name === 'x86_64' || p.arch.name === 'x32';
  const groups: ArchPlan[][] = [];
  for (const p of order) {
    if (!abi(p)) groups.push([p]);
    else if (!groups.some((g) => g.some(abi))) groups.push(order.filter(abi));
  }
  return groups;
}

/** _DB_PRI_USER and _DB_PRI_MASK_CHAIN: the user's priority above 0xffff minus the node count. */
export function priorityOf(profile: Profile, rules: readonly number[], nodes: number): number {
  const user = Math.max(0, ...rules.map((r) => profile.rules[r]!.priority ?? 0)) & 0xff;
  return ((user << 16) | ((0xffff - nodes) >>> 0)) >>> 0;
}

/**
 * libseccomp's syscall list for a group, head first: each filter's syscalls by number are
 * inserted in turn after every entry of equal or higher priority.
 */
export function syscallList<T extends Listed>(filters: readonly (readonly T[])[]): T[] {
  const list: T[] = [];
  for (const entries of filters) {
    for (const e of [...entries].sort((a, b) => a.nr - b.nr)) {
      const at = list.findIndex((o) => e.priority > o.priority);
      if (at < 0) list.push(e);
      else list.splice(at, 0, e);
    }
  }
  return list;
}
