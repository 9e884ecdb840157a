/**
 * Profiles libseccomp 2.5.4 refuses and the compiler builds: refusals the compiler does not
 * (yet) reproduce. They are not verdict differences (libseccomp gives no program to compare),
 * so the differential counts and prints them, but only where the profile has the exact
 * shape of a known gap; any other refusal of libseccomp's fails the test.
 */
import { actionsEqual, ARCHES, resolveSyscall, syscallName, toArgCmp, type Action, type ArchName, type Condition, type Profile, type Rule } from '../src/index.js';

/** libseccomp takes errno data below MAX_ERRNO (4095) only (sys_chk_seccomp_action, EINVAL). */
function errnoAbove(profile: Profile): boolean {
  const big = (a: Action | undefined) => a?.kind === 'errno' && a.errno >= 4095;
  return big(profile.defaultAction) || big(profile.attributes?.badArchAction) || profile.rules.some((r) => big(r.action));
}

/** The rule's conditions as libseccomp compares them on an arch of `bits` (32: low words only). */
function conditionsKey(rule: Rule, bits: 32 | 64): string {
  const cut = (v: bigint) => (bits === 32 ? v & 0xffffffffn : v);
  return (rule.conditions ?? []).map(toArgCmp).map((c) => `${c.arg}:${c.op}:${cut(c.datumA)}:${cut(c.datumB)}`).sort().join('|');
}

/**
 * Two rules for one syscall with the same conditions on some listed arch (a 32-bit arch
 * keeps low words only) and different actions: libseccomp refuses the second with EEXIST
 * whether or not a call can reach them, while the compiler refuses only rules that can meet,
 * so it builds such a pair on a syscall none of the profile's arches has, or under
 * conditions no call satisfies (`gt 0xffffffffffffffff`, `lt 0`).
 */
function sameConditionsOtherAction(profile: Profile, native: ArchName): boolean {
  const arches: readonly ArchName[] = profile.arches?.length ? profile.arches : [native];
  return [...new Set(arches.map((a) => ARCHES[a].bits))].some((bits) => clashAt(profile, native, bits));
}

function clashAt(profile: Profile, native: ArchName, bits: 32 | 64): boolean {
  const seen = new Map<string, Rule>();
  for (const rule of profile.rules) {
    for (const s of new Set(rule.syscalls)) {
      const name = typeof s === 'string' ? s : syscallName(s, native) ?? String(s);
      const key = `${name}#${conditionsKey(rule, bits)}`;
      const earlier = seen.get(key);
      if (earlier && !actionsEqual(earlier.action, rule.action)) return true;
      if (!earlier) seen.set(key, rule);
    }
  }
  return false;
}

/** A condition no value satisfies on an arch of `bits`: `lt 0`, or `gt` the largest value compared. */
function neverHolds(c: Condition, bits: 32 | 64): boolean {
  const low = bits === 32 || (c.width === 32 && (c.op === 'eq' || c.op === 'maskedEq'));
  const d = low ? c.value & 0xffffffffn : c.value;
  return (c.op === 'lt' && d === 0n) || (c.op === 'gt' && d === (low ? 0xffffffffn : (1n << 64n) - 1n));
}

/**
 * A rule that can never hold on some listed arch beside a rule of another action for the same
 * syscall: the compiler proves the two disjoint and builds them; libseccomp merges their
 * word tests as if both could hold, and can refuse the second with EEXIST.
 */
function impossibleBesideOther(profile: Profile, native: ArchName): boolean {
  const arches: readonly ArchName[] = profile.arches?.length ? profile.arches : [native];
  const bits = [...new Set(arches.map((a) => ARCHES[a].bits))];
  const impossible = (r: Rule) => bits.some((b) => (r.conditions ?? []).some((c) => neverHolds(c, b)));
  const named = (r: Rule) => new Set(r.syscalls.map((s) => (typeof s === 'string' ? s : syscallName(s, native) ?? String(s))));
  return profile.rules.some((a) => impossible(a) && profile.rules.some((b) => b !== a && !actionsEqual(a.action, b.action) && [...named(a)].some((n) => named(b).has(n))));
}

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
  if (code === 'EINVAL' && errnoAbove(profile)) return 'errno >= 4095 (libseccomp: EINVAL)';
  if (code === 'EEXIST' && sameConditionsOtherAction(profile, native)) return 'one syscall, the same conditions, different actions (libseccomp: EEXIST)';
  if (code === 'EEXIST' && conflictOnAbsentSyscall(profile, native)) return 'rules of different actions on a syscall a listed arch lacks (libseccomp: EEXIST)';
  if (code === 'EEXIST' && impossibleBesideOther(profile, native)) return 'a rule that never holds beside another action for its syscall (libseccomp: EEXIST)';
  return undefined;
}
