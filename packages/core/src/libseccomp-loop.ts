/**
 * Profiles that make libseccomp 2.5 loop forever while it builds its filter, found before
 * any rule reaches it (the SDK's own compiler does not need this: it builds no such tree).
 *
 * How libseccomp gets there (src/db.c, 2.5.x): on a 64-bit arch each condition becomes a
 * small chain of 32-bit tests on the high and low words. After `ne`, `lt`, `le`, `gt` or
 * `ge` the rest of the rule hangs from TWO of those tests (the high word alone can decide;
 * if not, the low word does), so the subtree below is referenced twice. When a later rule
 * with the same leading conditions is merged in, that subtree is reached twice; each time
 * the later rule's next test is linked into the subtree's list of siblings. If it sorts
 * ahead of the list's head, libseccomp relinks the head through one of the two references
 * only; the second visit then inserts the node again in front of itself, the sibling list
 * becomes a cycle, and the next walk over it never ends (the call blocks inside FFI, where
 * nothing can interrupt it).
 *
 * So the hazard is: two rules for one syscall whose conditions (sorted by argument, as
 * libseccomp sorts them) agree up to and including such a two-way comparison, where the
 * later rule's next condition sorts ahead of the earlier rule's in libseccomp's sibling
 * order. "Agree" is judged at the granularity libseccomp shares subtrees: the high word for
 * the two-way comparisons (lt 3 and lt 5 share the high-word branch), the whole comparison
 * for eq and maskedEq. The check is deliberately a little wider than the exact trigger (it
 * compares with every earlier sibling, not only the list's head): a refusal names the fix,
 * a hang cannot be caught at all.
 */
import { archInfo, nativeArch, type ArchName } from './arch.js';
import { CMP, toArgCmp, type Condition } from './compare.js';
import { LibseccompLoopError } from './errors.js';
import type { Profile } from './profile/model.js';
import { isSyscallName, resolveSyscall } from './syscalls/index.js';

const U32 = 0xffffffffn;
const DATUM_MAX = (1n << 64n) - 1n;

/** The first 32-bit test libseccomp emits for a condition (always the high word on 64-bit). */
interface HighTest {
  readonly arg: number;
  /** libseccomp's rewritten op for the high-word test: range ops test "greater than". */
  readonly test: 'gt' | 'eq' | 'maskedEq';
  /** Its ordering class among siblings: gt/ge < lt/le < eq/ne/maskedEq. */
  readonly rank: 1 | 2 | 3;
  readonly descending: boolean;
  readonly datum: bigint;
  readonly mask: bigint;
}

function highTest(c: Condition): HighTest {
  const cmp = toArgCmp(c);
  // toArgCmp turns a 32-bit eq into maskedEq of the low word: libseccomp sees that.
  const masked = cmp.op === CMP.maskedEq;
  const mask = masked ? cmp.datumA : DATUM_MAX;
  const datum = (masked ? cmp.datumB : cmp.datumA) & mask;
  const range = c.op === 'lt' || c.op === 'le' || c.op === 'gt' || c.op === 'ge';
  const rank = c.op === 'gt' || c.op === 'ge' ? 1 : c.op === 'lt' || c.op === 'le' ? 2 : 3;
  return {
    arg: c.arg,
    test: range ? 'gt' : masked ? 'maskedEq' : 'eq',
    rank,
    descending: rank === 2,
    datum: (datum >> 32n) & U32,
    mask: (mask >> 32n) & U32,
  };
}

/** Same test: libseccomp merges the two instead of linking a sibling. */
function sameTest(a: HighTest, b: HighTest): boolean {
  return a.arg === b.arg && a.test === b.test && a.datum === b.datum && a.mask === b.mask;
}

/** Whether libseccomp links `later` in front of `earlier` in a sibling list. */
function sortsAhead(later: HighTest, earlier: HighTest): boolean {
  if (earlier.arg !== later.arg) return earlier.arg < later.arg;
  if (earlier.rank !== later.rank) return earlier.rank < later.rank;
  return earlier.descending ? earlier.datum > later.datum : earlier.datum < later.datum;
}

/** Comparisons whose rest-of-rule hangs from two tests, so it is merged into twice. */
function twoWay(c: Condition): boolean {
  return c.op !== 'eq' && c.op !== 'maskedEq';
}

/** What decides whether two rules' chains reach the same node after this condition. */
function shareKey(c: Condition): string {
  const cmp = toArgCmp(c);
  if (!twoWay(c)) return `${c.arg}:${cmp.op}:${cmp.datumA}:${cmp.datumB}`;
  const dir = c.op === 'ne' ? 'ne' : c.op === 'gt' || c.op === 'ge' ? 'up' : 'down';
  return `${c.arg}:${dir}:${(cmp.datumA >> 32n) & U32}`;
}

/** An earlier rule's next condition below a shared two-way comparison. */
interface Sibling {
  readonly rule: number;
  readonly test: HighTest;
  readonly condition: Condition;
}

/**
 * For each shared prefix, the siblings seen so far. A later test is a hazard if it would be
 * linked in front of any sibling it does not merge with, so only the two siblings of
 * distinct tests that are easiest to overtake matter; keeping just those keeps the check
 * linear in the number of conditions.
 */
type Groups = Map<string, Sibling[]>;

function remember(list: Sibling[], s: Sibling): void {
  // Per test, the sibling easiest to overtake stands for the others.
  if (list.some((o) => sameTest(o.test, s.test) && !sortsAhead(o.test, s.test))) return;
  const kept = list.filter((o) => !sameTest(o.test, s.test));
  kept.push(s);
  kept.sort((a, b) => (sortsAhead(b.test, a.test) ? -1 : sortsAhead(a.test, b.test) ? 1 : 0));
  list.splice(0, list.length, ...kept.slice(0, 2));
}

function hazard(list: readonly Sibling[], next: HighTest): Sibling | undefined {
  return list.find((o) => !sameTest(o.test, next) && sortsAhead(next, o.test));
}

/**
 * A 64-bit arch the filter will hold, if any (32-bit arches build one test per condition).
 * A host whose arch the tables do not know is assumed 64-bit: checking costs a refusal at
 * worst, not checking could cost a hang.
 */
function wideArch(profile: Profile, native: ArchName | undefined): string | undefined {
  if (profile.arches?.length) return profile.arches.find((a) => archInfo(a).bits === 64);
  const host = native ?? hostArch();
  if (!host) return 'native';
  return archInfo(host).bits === 64 ? host : undefined;
}

function hostArch(): ArchName | undefined {
  try {
    return nativeArch();
  } catch {
    return undefined;
  }
}

/**
 * Conditional rules per syscall, in the order the builder adds them. A syscall is keyed by
 * its native number where the tables know it: libseccomp reads a number as the native arch's
 * syscall, so a rule on 0 and one on "read" (x86_64) build one tree.
 */
function rulesBySyscall(profile: Profile, native: ArchName | undefined): Map<string | number, { label: string | number; indexes: number[] }> {
  const map = new Map<string | number, { label: string | number; indexes: number[] }>();
  const keyOf = (syscall: string | number): string | number => {
    if (typeof syscall === 'number' || native === undefined || !isSyscallName(syscall)) return syscall;
    const nr = resolveSyscall(syscall, native);
    return nr >= 0 ? nr : syscall;
  };
  profile.rules.forEach((rule, index) => {
    if (!rule.conditions?.length) return;
    const seen = new Set<string | number>();
    for (const syscall of rule.syscalls) {
      const key = keyOf(syscall);
      if (seen.has(key)) continue;
      seen.add(key);
      const entry = map.get(key);
      // The error names the syscall as the first rule wrote it.
      if (entry) entry.indexes.push(index);
      else map.set(key, { label: syscall, indexes: [index] });
    }
  });
  return map;
}

function sortedConditions(profile: Profile, index: number): Condition[] {
  return [...(profile.rules[index]!.conditions ?? [])].sort((a, b) => a.arg - b.arg);
}

/** Checks one syscall's rules; returns the first hazard found. */
function checkSyscall(profile: Profile, syscall: string | number, indexes: readonly number[], arch: string): LibseccompLoopError | undefined {
  const groups: Groups = new Map();
  for (const rule of indexes) {
    const conds = sortedConditions(profile, rule);
    let prefix = '';
    for (let p = 0; p + 1 < conds.length; p++) {
      prefix += `|${shareKey(conds[p]!)}`;
      if (!twoWay(conds[p]!)) continue;
      const next = conds[p + 1]!;
      const test = highTest(next);
      const list = groups.get(prefix) ?? [];
      const clash = hazard(list, test);
      if (clash) return new LibseccompLoopError({ syscall, arch, rules: [clash.rule, rule], shared: conds[p]!, conditions: [clash.condition, next] });
      remember(list, { rule, test, condition: next });
      groups.set(prefix, list);
    }
  }
  return undefined;
}

/**
 * Throws LibseccompLoopError for a profile that libseccomp 2.5 would never finish building.
 * Call it on the libseccomp path only, after validation.
 */
export function assertLibseccompTerminates(profile: Profile, native?: ArchName): void {
  const arch = wideArch(profile, native);
  if (!arch) return;
  for (const { label: syscall, indexes } of rulesBySyscall(profile, native ?? hostArch()).values()) {
    if (indexes.length < 2) continue;
    const err = checkSyscall(profile, syscall, indexes, arch);
    if (err) throw err;
  }
}
