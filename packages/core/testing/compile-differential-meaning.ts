/**
 * What a profile means for one call, written from the profile model and libseccomp's documented
 * behaviour, independently of the compiler: the third opinion that decides, when the two
 * programs disagree, which one departs from the rules. It has no opinion (undefined) where
 * the profile alone does not decide: rules with different actions that both hold (libseccomp's
 * merge decides) and socketcall(2)/ipc(2) themselves (libseccomp rewrites the socket and IPC
 * rules there). There the two programs must simply agree.
 */
import {
  Action, actionsEqual, ARCHES, resolveSyscall, syscallName, X32_SYSCALL_BIT,
  type Action as ActionT, type ArchName, type Condition, type Profile, type Rule,
} from '../src/internal.js';
import type { Call } from './compile-differential-gen.js';

const M32 = 0xffffffffn;
const NR_MINUS_ONE = 0xffffffff;

/** One condition on one arch: 32-bit arches see the low word only, and so do 32-bit eq and maskedEq. */
function holds(c: Condition, v: bigint, bits: 32 | 64): boolean {
  const low = bits === 32 || (c.width === 32 && (c.op === 'eq' || c.op === 'maskedEq'));
  const cut = (x: bigint) => (low ? x & M32 : x);
  const [a, d] = [cut(v), cut(c.value)];
  switch (c.op) {
    case 'eq': return a === d;
    case 'ne': return a !== d;
    case 'lt': return a < d;
    case 'le': return a <= d;
    case 'gt': return a > d;
    case 'ge': return a >= d;
    case 'maskedEq': return (a & cut(c.mask)) === d;
  }
}

/** A masked test with no mask bits in the word the arch compares holds for every call. */
function vacuous(c: Condition, bits: 32 | 64): boolean {
  return c.op === 'maskedEq' && (bits === 32 || c.width === 32 ? c.mask & M32 : c.mask) === 0n;
}

/** The arch among the profile's that the kernel means by this call, or undefined: bad arch. */
function archOf(listed: readonly ArchName[], call: Call): ArchName | undefined {
  const same = listed.filter((a) => ARCHES[a].auditArch === ARCHES[call.arch].auditArch);
  if (!same.length) return undefined;
  // x86_64 and x32 share an audit arch; libseccomp tells them apart by nr >= bit 30 (-1 aside).
  const x32 = call.nr !== NR_MINUS_ONE && call.nr >= X32_SYSCALL_BIT;
  if (!same.includes('x86_64') && !same.includes('x32')) return same[0];
  if (same.length === 1 && same[0] === 'x86_64') return x32 ? undefined : 'x86_64';
  if (same.length === 1) return x32 || call.nr === NR_MINUS_ONE ? 'x32' : undefined;
  return x32 ? 'x32' : 'x86_64';
}

/**
 * Whether the call is socketcall(2) or ipc(2) itself, where libseccomp rewrites socket and
 * IPC rules (a selector test on the first argument, the rules' own conditions dropped). A
 * socket call's direct number is ruled on as any other syscall.
 */
function multiplexer(arch: ArchName, nr: number): boolean {
  const info = ARCHES[arch];
  return nr === info.socketcall || nr === info.ipc;
}

/**
 * Whether the rule names syscall `nr` on `arch`: a number is the native arch's, meant by its
 * name; -1 (a tracer's skipped call, ruled on with apiTskip) is -1 on every arch.
 */
function names(rule: Rule, arch: ArchName, nr: number, native: ArchName): boolean {
  return rule.syscalls.some((s) => {
    if (s === -1) return nr === NR_MINUS_ONE;
    const name = typeof s === 'string' ? s : syscallName(s, native);
    if (name === undefined) return false;
    const own = resolveSyscall(name, arch);
    return own >= 0 && own >>> 0 === nr;
  });
}

/**
 * The arch the call is on and the rules that name its syscall there; 'badArch' for an arch the
 * profile does not list; undefined for socketcall(2)/ipc(2) on the arches that multiplex.
 */
export function rulesMeaning(profile: Profile, call: Call, native: ArchName): { arch: ArchName; rules: readonly Rule[] } | 'badArch' | undefined {
  const listed: readonly ArchName[] = profile.arches?.length ? profile.arches : [native];
  const arch = archOf(listed, call);
  if (!arch) return 'badArch';
  if (multiplexer(arch, call.nr)) return undefined;
  return { arch, rules: profile.rules.filter((r) => names(r, arch, call.nr, native)) };
}

export function meaning(profile: Profile, call: Call, native: ArchName): ActionT | undefined {
  const found = rulesMeaning(profile, call, native);
  if (found === 'badArch') return profile.attributes?.badArchAction ?? Action.killProcess;
  if (!found) return undefined;
  const { arch, rules: mine } = found;
  const bits = ARCHES[arch].bits;
  const lowered = mine.map((r) => ({ r, conds: (r.conditions ?? []).filter((c) => !vacuous(c, bits)) }));
  // libseccomp keeps the first rule without conditions and drops the syscall's others.
  const first = lowered.find((x) => x.conds.length === 0);
  if (first) return first.r.action;
  const hits = lowered.filter((x) => x.conds.every((c) => holds(c, call.args[c.arg]!, bits)));
  // Overlapping rules with different actions: libseccomp's merge decides, not the profile.
  if (hits.some((x) => !actionsEqual(x.r.action, hits[0]!.r.action))) return undefined;
  return hits.length ? hits[0]!.r.action : profile.defaultAction;
}
