/**
 * The SDK profile as plain JSON: actions as the strings formatAction prints
 * (`errno(EPERM)`), comparison values as `0x…` strings because JSON numbers stop being
 * exact at 2^53. profileFromJSON(profileToJSON(p)) deep-equals a validated p.
 */
import { errnoProblem, formatAction, parseAction, type Action } from '../actions.js';
import type { ArchName } from '../arch.js';
import type { CompareOp, Condition } from '../compare.js';
import { ProfileError } from '../errors.js';
import type { Profile, ProfileAttributes, Rule } from './model.js';
import { hex, parseU64, U64_HINT } from './numbers.js';
import { at, describe, guard, isDict, own, Problems, quote, type Dict } from './util.js';
import { validateProfile } from './validate.js';

export interface ConditionJSON {
  arg: number;
  op: CompareOp;
  /** `0x…` */
  value: string;
  /** `0x…`, maskedEq only. */
  mask?: string;
  width: 32 | 64;
}

export interface RuleJSON {
  syscalls: (string | number)[];
  /** `allow`, `errno(EPERM)`, `trace(7)`, … */
  action: string;
  conditions?: ConditionJSON[];
  exact?: boolean;
  priority?: number;
  comment?: string;
}

export type ProfileAttributesJSON = Omit<ProfileAttributes, 'badArchAction'> & { badArchAction?: string };

export interface ProfileJSON {
  defaultAction: string;
  arches?: ArchName[];
  rules: RuleJSON[];
  attributes?: ProfileAttributesJSON;
}

/** Validates the profile, then writes it as JSON-safe data (no bigint, no action objects). */
export function profileToJSON(profile: Profile): ProfileJSON {
  const p = validateProfile(profile);
  const json: ProfileJSON = { defaultAction: formatAction(p.defaultAction), rules: p.rules.map(ruleToJSON) };
  if (p.arches) json.arches = [...p.arches];
  if (p.attributes) json.attributes = attributesToJSON(p.attributes);
  return json;
}

function ruleToJSON(rule: Rule): RuleJSON {
  const json: RuleJSON = { syscalls: [...rule.syscalls], action: formatAction(rule.action) };
  if (rule.conditions) json.conditions = rule.conditions.map(conditionToJSON);
  if (rule.exact !== undefined) json.exact = rule.exact;
  if (rule.priority !== undefined) json.priority = rule.priority;
  if (rule.comment !== undefined) json.comment = rule.comment;
  return json;
}

function conditionToJSON(c: Condition): ConditionJSON {
  const json: ConditionJSON = { arg: c.arg, op: c.op, value: hex(c.value), width: c.width };
  if (c.op === 'maskedEq') json.mask = hex(c.mask);
  return json;
}

function attributesToJSON(attributes: ProfileAttributes): ProfileAttributesJSON {
  const { badArchAction, ...rest } = attributes;
  return badArchAction ? { ...rest, badArchAction: formatAction(badArchAction) } : { ...rest };
}

/**
 * Reads ProfileJSON into a validated frozen Profile. Two passes: this one turns strings
 * into actions and bigints; validateProfile checks the rest. Their problems are merged
 * into one ProfileError, without repeating a field the first pass already reported.
 */
export function profileFromJSON(json: unknown): Profile {
  return guard('profile', () => {
    const problems = new Problems();
    const converted = convertProfile(json, problems);
    let later: readonly string[] = [];
    try {
      const profile = validateProfile(converted);
      if (problems.empty) return profile;
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      later = err.problems;
    }
    const reported = problems.list.map((line) => line.slice(0, line.indexOf(': ')));
    const isRepeat = (line: string) => reported.some((path) => line.startsWith(`${path}:`) || line.startsWith(`${path}.`));
    for (const line of later) if (!isRepeat(line)) problems.list.push(line);
    problems.throwIfAny();
    throw new ProfileError(['profile: invalid']); // unreachable: one of the passes reported
  });
}

/** A shallow copy with action strings and value strings converted; anything else left as found. */
function convertProfile(json: unknown, problems: Problems): unknown {
  if (!isDict(json)) return json;
  const out: Dict = { ...json };
  out.defaultAction = convertAction(own(json, 'defaultAction'), 'defaultAction', problems);
  const attributes = own(json, 'attributes');
  if (isDict(attributes) && own(attributes, 'badArchAction') !== undefined) {
    out.attributes = { ...attributes, badArchAction: convertAction(own(attributes, 'badArchAction'), 'attributes.badArchAction', problems) };
  }
  const rules = own(json, 'rules');
  if (Array.isArray(rules)) out.rules = rules.map((rule: unknown, i) => convertRule(rule, at('rules', i), problems));
  return out;
}

function convertRule(rule: unknown, path: string, problems: Problems): unknown {
  if (!isDict(rule)) return rule;
  const out: Dict = { ...rule, action: convertAction(own(rule, 'action'), at(path, 'action'), problems) };
  const conditions = own(rule, 'conditions');
  if (Array.isArray(conditions)) {
    out.conditions = conditions.map((c: unknown, i) => convertCondition(c, at(at(path, 'conditions'), i), problems));
  }
  return out;
}

function convertCondition(condition: unknown, path: string, problems: Problems): unknown {
  if (!isDict(condition)) return condition;
  const out: Dict = { ...condition, value: convertValue(own(condition, 'value'), at(path, 'value'), problems) };
  if (own(condition, 'mask') !== undefined) out.mask = convertValue(own(condition, 'mask'), at(path, 'mask'), problems);
  return out;
}

function convertAction(text: unknown, path: string, problems: Problems): Action | undefined {
  if (text === undefined) return undefined; // validation says "required"
  if (typeof text !== 'string') {
    problems.add(path, `must be an action string such as "allow" or "errno(EPERM)", got ${describe(text)}`);
    return undefined;
  }
  const errno = /^errno\((\d+)\)$/.exec(text.trim());
  const why = errno ? errnoProblem(Number(errno[1])) : undefined;
  if (why) {
    problems.add(path, `${quote(text)}: the errno ${why}`);
    return undefined;
  }
  try {
    return parseAction(text);
  } catch {
    problems.add(path, `unknown action ${quote(text)}: use allow, errno(EPERM), errno(13), killProcess, killThread, trap, log, notify or trace(n)`);
    return undefined;
  }
}

function convertValue(value: unknown, path: string, problems: Problems): bigint | undefined {
  if (value === undefined) return undefined;
  const v = parseU64(value);
  if (v === undefined) problems.add(path, `${U64_HINT}, got ${describe(value)}`);
  return v;
}
