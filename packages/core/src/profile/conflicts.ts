/**
 * Rules libseccomp collapses without a word (db.c in 2.5.x): once a syscall has a rule
 * without conditions, any later rule for it is dropped; and a rule without conditions
 * replaces every conditional rule added before it. So per syscall, the first
 * unconditional rule decides, and a rule with another action is silently lost.
 */
import { actionsEqual, formatAction, type Action } from '../actions.js';
import type { Profile } from './model.js';

export interface ConflictRule {
  /** Index in `profile.rules`. */
  readonly index: number;
  readonly action: Action;
  readonly conditional: boolean;
}

export interface Conflict {
  /**
   * `duplicate`: two rules without conditions, different actions (the first wins).
   * `swallowed`: a rule without conditions overrides a conditional one, in either order.
   */
  readonly kind: 'duplicate' | 'swallowed';
  readonly syscall: string | number;
  /** The rule whose action libseccomp applies. */
  readonly kept: ConflictRule;
  /** The rule libseccomp drops. */
  readonly dropped: ConflictRule;
  readonly message: string;
}

/** Every pair of rules where libseccomp would silently ignore one of them. */
export function findRuleConflicts(profile: Profile): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [syscall, rules] of rulesBySyscall(profile)) {
    const winner = rules.find((r) => !r.conditional);
    if (!winner) continue;
    for (const rule of rules) {
      if (rule !== winner && !actionsEqual(rule.action, winner.action)) conflicts.push(conflict(syscall, winner, rule));
    }
  }
  return conflicts.sort((a, b) => a.dropped.index - b.dropped.index || a.kept.index - b.kept.index);
}

/** The rules naming each syscall, in profile order; a rule naming it twice counts once. */
function rulesBySyscall(profile: Profile): Map<string | number, ConflictRule[]> {
  const map = new Map<string | number, ConflictRule[]>();
  profile.rules.forEach((rule, index) => {
    const entry: ConflictRule = { index, action: rule.action, conditional: (rule.conditions?.length ?? 0) > 0 };
    for (const syscall of new Set(rule.syscalls)) {
      const list = map.get(syscall) ?? [];
      list.push(entry);
      map.set(syscall, list);
    }
  });
  return map;
}

function conflict(syscall: string | number, kept: ConflictRule, dropped: ConflictRule): Conflict {
  const kind = dropped.conditional ? 'swallowed' : 'duplicate';
  const fields = { kind, syscall, kept, dropped } as const;
  return { ...fields, message: conflictMessage(fields) };
}

/**
 * A conflict in words, from its fields; `ruleName` names a rule by its index (the CLI names
 * it by where it sits in the file it read). Internal.
 */
export function conflictMessage(c: Omit<Conflict, 'message'>, ruleName = (index: number) => `rules[${index}]`): string {
  const name = typeof c.syscall === 'string' ? `"${c.syscall}"` : `syscall ${c.syscall}`;
  const kept = `${ruleName(c.kept.index)} (${formatAction(c.kept.action)}, no conditions)`;
  const dropped = ruleName(c.dropped.index);
  if (c.kind === 'duplicate') {
    return `${name}: ${kept} and ${dropped} (${formatAction(c.dropped.action)}, no conditions) disagree; libseccomp keeps the first and silently drops ${dropped}`;
  }
  return `${name}: ${kept} swallows the conditional ${dropped} (${formatAction(c.dropped.action)}); libseccomp applies ${formatAction(c.kept.action)} whatever the arguments`;
}
