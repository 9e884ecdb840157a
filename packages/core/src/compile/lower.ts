/**
 * Profile → per-arch plans: which rules apply to which syscall number, with conditions
 * lowered to the arch's width. libseccomp's collapsing rules are reproduced (see
 * profile/conflicts.ts): per syscall the first rule without conditions decides alone.
 * What this session's compiler cannot yet express is refused with a CompileError.
 */
import { actionsEqual, formatAction, type Action } from '../actions.js';
import { ARCHES, type ArchInfo, type ArchName } from '../arch.js';
import type { Profile, Rule } from '../profile/model.js';
import { lowerCondition, type ArgTest, type Bits } from './conditions.js';
import type { GenProgram } from './db/generate.js';
import { CompileError } from './errors.js';
import { settle } from './merge.js';
import { checkSyscallNumber, onCall, placements, shareTskip } from './placement.js';

export interface RulePlan {
  /** Index in `profile.rules`. */
  readonly rule: number;
  readonly action: Action;
  /** All must hold; empty: the rule holds whatever the arguments. */
  readonly tests: readonly ArgTest[];
}

export interface SyscallPlan {
  /** What the kernel puts in seccomp_data.nr, as a u32. */
  readonly nr: number;
  /** In the order libseccomp would try them; a lone unconditional rule when one exists. */
  readonly rules: readonly RulePlan[];
  /** The rules as libseccomp receives them (a rule naming the syscall twice comes twice). */
  readonly adds?: readonly RulePlan[];
  /** Rules that overlap with different actions: libseccomp's program for them (merge.ts). */
  readonly program?: GenProgram;
}

export interface ArchPlan {
  readonly arch: ArchInfo;
  readonly syscalls: ReadonlyMap<number, SyscallPlan>;
}

/** The arches a profile covers: its list, else the native arch (as libseccomp's default). */
export function profileArches(profile: Profile, native: ArchName): ArchInfo[] {
  const names = profile.arches?.length ? profile.arches : [native];
  return [...new Set(names)].map((n) => ARCHES[n]);
}

function lowerRule(rule: Rule, index: number, bits: Bits): RulePlan {
  const tests = (rule.conditions ?? []).map((c) => lowerCondition(c, bits)).filter((t): t is ArgTest => t !== undefined);
  return { rule: index, action: rule.action, tests };
}

/** libseccomp's action check: an errno must be below 4095 (MAX_ERRNO), in rules and defaults alike. */
export function checkErrnoRange(action: Action, where: string, rules?: number[]): void {
  if (action.kind !== 'errno' || action.errno < 4095) return;
  throw new CompileError({ reason: 'invalidAction', ...(rules && { rules }) }, `${where}: errno(${action.errno}) is 4095 or more, which libseccomp refuses (the kernel caps an errno at 4095)`);
}

function checkRuleAction(profile: Profile, rule: Rule, index: number): void {
  checkErrnoRange(rule.action, `rules[${index}]`, [index]);
  if (!actionsEqual(rule.action, profile.defaultAction)) return;
  throw new CompileError({ reason: 'unsupported', feature: 'defaultActionRule', rules: [index] }, `rules[${index}]: same action as the default (${formatAction(rule.action)}); libseccomp refuses such a rule`);
}

/** libseccomp's seccomp_rule_add_exact refuses a filter of several arches (EOPNOTSUPP). */
export function checkExact(profile: Profile, arches: readonly ArchInfo[]): void {
  if (arches.length < 2) return;
  const index = profile.rules.findIndex((r) => r.exact);
  if (index < 0) return;
  throw new CompileError(
    { reason: 'exactOnManyArches', rules: [index] },
    `rules[${index}] is exact, and the profile has ${arches.length} arches (${arches.map((a) => a.name).join(', ')}); libseccomp adds exact rules to single-arch filters only`,
  );
}

export function planArch(profile: Profile, arch: ArchInfo, native: ArchName): ArchPlan {
  const byNr = new Map<number, { label: string | number; rules: RulePlan[]; adds: RulePlan[] }>();
  const tskip = profile.attributes?.apiTskip === true;
  profile.rules.forEach((rule, index) => {
    checkRuleAction(profile, rule, index);
    const plan = lowerRule(rule, index, arch.bits);
    // One rewritten copy per socketcall/ipc call, so naming a call twice is still one rule.
    const copies = new Map<string, RulePlan>();
    for (const syscall of new Set(rule.syscalls)) {
      checkSyscallNumber(syscall, index, tskip);
      for (const { nr, call } of placements(syscall, rule, index, arch, native)) {
        const key = `${nr}:${call}`;
        const placed = call === undefined ? plan : (copies.get(key) ?? onCall(plan, call, arch));
        copies.set(key, placed);
        const entry = byNr.get(nr) ?? { label: syscall, rules: [], adds: [] };
        // A rule naming one syscall twice (by name and by number) is still one rule, which
        // libseccomp is given twice.
        if (!entry.rules.includes(placed)) entry.rules.push(placed);
        entry.adds.push(placed);
        byNr.set(nr, entry);
      }
    }
  });
  const syscalls = new Map<number, SyscallPlan>();
  for (const [nr, { label, rules, adds }] of byNr) syscalls.set(nr, settle(nr, rules, adds, arch, label));
  shareTskip(syscalls, profile, arch, profileArches(profile, native));
  return { arch, syscalls };
}
