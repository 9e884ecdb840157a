/**
 * Compiling a profile with the loaded libseccomp, with one adaptation. libseccomp 2.5 does not
 * know syscalls added to the kernel after it (getxattrat, mseal, listmount, …). Core still
 * adds a rule for such a name by its native number, which works for a single-arch filter;
 * but libseccomp cannot carry a number it cannot name to the filter's other arches and fails
 * (EFAULT). Docker's default profile lists several of them and covers x86_64, x86 and x32.
 * For a multi-arch filter these names are left out of allow rules — they then get the
 * default action, which is stricter, and said so — and a deny rule on one is refused,
 * since leaving it out would open what the profile closes.
 */
import { compile, libraryVersion, syscallResolveName, validateProfile, type Profile } from '@seccomp/node';
import { InputError } from './errors.js';
import { listSome } from './text.js';
import { runs } from './verdict.js';

function unknownToLibrary(profile: Profile): Set<string> {
  const out = new Set<string>();
  for (const rule of profile.rules) {
    for (const s of rule.syscalls) if (typeof s === 'string' && syscallResolveName(s) === -1) out.add(s);
  }
  return out;
}

/** The profile libseccomp can build here, and what had to change. */
export function adaptToLibrary(profile: Profile): { profile: Profile; leftOut: string[]; kept: number[] } {
  const all = profile.rules.map((_, i) => i);
  if ((profile.arches?.length ?? 0) < 2) return { profile, leftOut: [], kept: all };
  const unknown = unknownToLibrary(profile);
  if (!unknown.size) return { profile, leftOut: [], kept: all };
  const version = libraryVersion().text;
  const denied = profile.rules.filter((r) => !runs(r.action)).flatMap((r) => r.syscalls.filter((s): s is string => typeof s === 'string' && unknown.has(s)));
  if (denied.length) {
    throw new InputError(
      `libseccomp ${version} does not know ${listSome([...new Set(denied)])}, so a filter for several arches (${profile.arches!.join(', ')}) cannot deny ${denied.length > 1 ? 'them' : 'it'}; compile for one arch (--arch ${profile.arches![0]}) or use a newer libseccomp`,
    );
  }
  const kept: number[] = [];
  const rules = profile.rules.flatMap((r, i) => {
    const syscalls = r.syscalls.filter((s) => typeof s !== 'string' || !unknown.has(s));
    if (!syscalls.length) return [];
    kept.push(i);
    return [{ ...r, syscalls }];
  });
  return { profile: validateProfile({ ...profile, rules }), leftOut: [...unknown].sort(), kept };
}

export function leftOutWarning(leftOut: readonly string[]): string {
  return `libseccomp ${libraryVersion().text} does not know ${listSome(leftOut)}; a filter for several arches cannot name ${leftOut.length > 1 ? 'them' : 'it'}, so ${leftOut.length > 1 ? 'they were' : 'it was'} left out of the allow rules and get${leftOut.length > 1 ? '' : 's'} the default action`;
}

/** compile() of a profile that went through adaptToLibrary (readPolicy does that). */
export function compileProfile(profile: Profile): Uint8Array {
  return compile(adaptToLibrary(profile).profile);
}
