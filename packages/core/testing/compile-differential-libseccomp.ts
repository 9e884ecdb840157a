/**
 * The reference side of the compiler differential: libseccomp's program for a profile, built
 * through the runtime package under test (its SyscallFilter, i.e. its own FFI backend).
 *
 * The filter is built with SyscallFilter directly, as build.ts does, but without compile()'s
 * conflict check: that check refuses the rules libseccomp collapses, and the compiler
 * reproduces the collapse, so those profiles are compared too. Profiles on which libseccomp
 * 2.5 would never finish building are refused first (LibseccompLoopError), as build.ts does,
 * because a loop inside FFI cannot be interrupted.
 */
import {
  Action, ARCHES, isMultiplexedName, nativeArch, resolveSyscall, syscallName, type Action as ActionT,
  type ArchName, type Condition, type Profile,
} from '../src/internal.js';
import type { LockdownOptions } from '../src/lockdown/options.js';
import { assertLibseccompTerminates } from '../src/libseccomp-loop.js';

/** The part of SyscallFilter the differential uses (structural, so any runtime's class fits). */
export interface LibseccompFilter {
  setAttr(name: 'badArchAction', value: ActionT): unknown;
  setAttr(name: 'apiTskip', value: boolean): unknown;
  addArch(arch: ArchName): unknown;
  removeArch(arch: ArchName): unknown;
  hasArch(arch: ArchName): boolean;
  addRule(action: ActionT, syscall: string | number, ...conditions: Condition[]): unknown;
  addRuleExact(action: ActionT, syscall: string | number, ...conditions: Condition[]): unknown;
  setSyscallPriority(syscall: string | number, priority: number): unknown;
  exportBpf(): Uint8Array;
  release(): void;
}

/** What a runtime package hands the differential: its libseccomp-bound API. */
export interface LibseccompSide {
  SyscallFilter: new (defaultAction: ActionT, options?: { tsync?: boolean }) => LibseccompFilter;
  /** What lockdown() would install, built with libseccomp (the container compileLockdown returns). */
  compileLockdown(options?: LockdownOptions): Uint8Array;
  /** libseccomp's own name lookup: -1 where it does not know the name, a pseudo number (≤ -100) where the arch lacks it. */
  syscallResolveName(name: string, arch?: ArchName): number;
  libraryVersion(): { text: string };
}

/**
 * The arch libseccomp builds on here, and whose numbers rule numbers are: this process's own
 * (the differential runs in the runtime under test, the same process as its libseccomp).
 */
export const NATIVE: ArchName = nativeArch();

/**
 * libseccomp holds arches of one byte order: for a profile of the other order the native
 * arch is removed before the profile's are added, else after.
 */
function setArches(filter: LibseccompFilter, arches: readonly ArchName[]): void {
  if (!arches.length) return;
  const swap = ARCHES[arches[0]!].endian !== ARCHES[NATIVE].endian;
  if (swap) filter.removeArch(NATIVE);
  for (const a of arches) if (!filter.hasArch(a)) filter.addArch(a);
  if (!swap && !arches.includes(NATIVE)) filter.removeArch(NATIVE);
}

/**
 * The profile with every syscall named, for the loop check: libseccomp merges the rules of one
 * syscall however they name it, while the check groups rules by the name or number as written
 * (a rule on 0 and one on "read" can loop libseccomp 2.5.4 unseen).
 */
function named(profile: Profile): Profile {
  const name = (s: string | number) => (typeof s === 'number' && s >= 0 ? syscallName(s, NATIVE) ?? s : s);
  return { ...profile, rules: profile.rules.map((r) => ({ ...r, syscalls: [...new Set(r.syscalls.map(name))] })) };
}

/** libseccomp's program for `profile`; throws what libseccomp (or the loop check) refuses. */
export function libseccompProgram(side: LibseccompSide, profile: Profile): Uint8Array {
  assertLibseccompTerminates(named(profile), NATIVE);
  const filter = new side.SyscallFilter(profile.defaultAction, { tsync: false });
  try {
    filter.setAttr('badArchAction', profile.attributes?.badArchAction ?? Action.killProcess);
    if (profile.attributes?.apiTskip) filter.setAttr('apiTskip', true);
    setArches(filter, profile.arches ?? []);
    for (const rule of profile.rules) {
      for (const s of rule.syscalls) {
        if (rule.priority !== undefined) filter.setSyscallPriority(s, rule.priority);
        if (rule.exact) filter.addRuleExact(rule.action, s, ...(rule.conditions ?? []));
        else filter.addRule(rule.action, s, ...(rule.conditions ?? []));
      }
    }
    return filter.exportBpf();
  } finally {
    filter.release();
  }
}

function multiplexedOn(name: string, arch: ArchName): boolean {
  return (ARCHES[arch].socketcall !== undefined || ARCHES[arch].ipc !== undefined) && isMultiplexedName(name);
}

/**
 * The profile without the names the loaded libseccomp's tables lack on some arch where the
 * SDK's (newer) tables have them (a syscall added since, or wired up on one more arch since):
 * libseccomp cannot place such a rule there, so both sides are given only what both can
 * express. Returns the names left out.
 */
export function trimToLibrary(side: LibseccompSide, profile: Profile): { profile: Profile; dropped: string[] } {
  const arches: readonly ArchName[] = profile.arches?.length ? profile.arches : [NATIVE];
  const dropped = new Set<string>();
  // libseccomp answers -1 for a name it does not know and a pseudo number (≤ -100) for one its
  // table lacks on the arch; a socket or IPC name on a socketcall/ipc arch is a pseudo number
  // too (x86's socket is -101), but libseccomp places those through the multiplexer.
  const unknown = (name: string) => arches.some((a) => resolveSyscall(name, a) >= 0 && side.syscallResolveName(name, a) < 0 && !multiplexedOn(name, a));
  for (const rule of profile.rules) for (const s of rule.syscalls) if (typeof s === 'string' && unknown(s)) dropped.add(s);
  const rules = profile.rules
    .map((r) => ({ ...r, syscalls: r.syscalls.filter((s) => typeof s !== 'string' || !dropped.has(s)) }))
    .filter((r) => r.syscalls.length > 0);
  return { profile: { ...profile, rules }, dropped: [...dropped].sort() };
}
