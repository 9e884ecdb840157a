/**
 * Profiles libseccomp 2.5.4 refuses and the compiler builds: refusals the compiler does not
 * (yet) reproduce. They are not verdict differences (libseccomp gives no program to compare),
 * so the differential counts and prints them, but only where the profile has the exact
 * shape of a known gap; any other refusal of libseccomp's fails the test.
 */
import { actionsEqual, resolveSyscall, syscallName, type Action, type ArchName, type Profile } from '../src/index.js';

/**
 * Rules of different actions on a syscall one of the profile's arches lacks: the compiler
 * places neither there, so never merges them there; libseccomp keeps both under a pseudo
 * number and merges them as it would anywhere, refusing some pairs with EEXIST (seen: mmap2
 * on x86_64 or mips64, where the same pair merges without complaint on mips o32).
 */
function conflictOnAbsentSyscall(profile: Profile, native: ArchName): boolean {
  const arches: readonly ArchName[] = profile.arches?.length ? profile.arches : [native];
  const actions = new Map<string, Action>();
  for (const rule of profile.rules) {
    for (const s of new Set(rule.syscalls)) {
      const name = typeof s === 'string' ? s : syscallName(s, native);
      if (name === undefined || arches.every((a) => resolveSyscall(name, a) >= 0)) continue;
      const earlier = actions.get(name);
      if (earlier && !actionsEqual(earlier, rule.action)) return true;
      actions.set(name, rule.action);
    }
  }
  return false;
}

/** The known gap a libseccomp refusal shows, or undefined. */
export function knownRefusalGap(profile: Profile, err: unknown, native: ArchName): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'EEXIST' && conflictOnAbsentSyscall(profile, native)) return 'rules of different actions on a syscall a listed arch lacks (libseccomp: EEXIST)';
  return undefined;
}
