/**
 * Merging a new recording into an existing profile, as the Security Profiles Operator merges
 * the recordings of many replicas and runs (its recordingmerger: the union of the syscalls
 * each action lists). A syscall allowed in either is allowed in the result; rules with
 * conditions are kept as they are; the base's default action and attributes win, and the
 * arches are the union. Refuses to merge profiles that disagree on the default action, since
 * "allow what either allowed" would then mean something else for each.
 */
import { actionsEqual } from '../actions.js';
import { ProfileError } from '../errors.js';
import type { Profile, Rule } from '../profile/model.js';
import { validateProfile } from '../profile/validate.js';

function key(rule: Rule): string {
  return JSON.stringify({ a: rule.action, c: rule.conditions ?? [], e: rule.exact ?? false }, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}

export function mergeProfiles(base: Profile, recorded: Profile): Profile {
  const a = validateProfile(base);
  const b = validateProfile(recorded);
  if (!actionsEqual(a.defaultAction, b.defaultAction)) {
    throw new ProfileError(['defaultAction: the profiles to merge have different default actions; a merge would change what the rules mean']);
  }
  // Rules with the same action and conditions share one list; the first one's comment stays.
  const byKey = new Map<string, { rule: Rule; names: Set<string | number> }>();
  for (const rule of [...a.rules, ...b.rules]) {
    const k = key(rule);
    const seen = byKey.get(k);
    if (seen) for (const s of rule.syscalls) seen.names.add(s);
    else byKey.set(k, { rule, names: new Set(rule.syscalls) });
  }
  const taken = new Set<string | number>();
  const rules: Rule[] = [];
  for (const { rule, names } of byKey.values()) {
    // A name an earlier (base-first) unconditional rule already decides is not listed twice.
    const syscalls = [...names].filter((s) => !(rule.conditions?.length ? false : taken.has(s)));
    if (!rule.conditions?.length) for (const s of syscalls) taken.add(s);
    if (syscalls.length) rules.push({ ...rule, syscalls: syscalls.sort((x, y) => String(x).localeCompare(String(y))) });
  }
  const arches = [...new Set([...(a.arches ?? []), ...(b.arches ?? [])])];
  return validateProfile({ ...a, ...(arches.length && { arches }), rules });
}
