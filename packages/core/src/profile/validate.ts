/**
 * validateProfile: untrusted data in, a normalised frozen Profile out, or one ProfileError
 * that lists every mistake with its path (`rules[3].syscalls[0]: unknown syscall …`).
 * Normalised means: fresh objects holding only the model's fields, canonical frozen
 * actions and conditions, bigint values; duplicate arches, an empty arch list (it means
 * the native arch, as absence does) and empty condition lists dropped.
 */
import { Action, actionsEqual, errnoProblem, formatAction, type ActionKind } from '../actions.js';
import { ARCH_NAMES, findArch, isArchName, nativeArch, type ArchName } from '../arch.js';
import { CMP, type ArgIndex, type CompareOp, type Condition, type Width } from '../compare.js';
import type { Profile, ProfileAttributes, Rule } from './model.js';
import { hex, isIntIn, U64_MAX } from './numbers.js';
import { checkedArches, unknownSyscall } from './tables.js';
import { suggestOne } from '../suggest.js';
import { at, checkKeys, deepFreeze, describe, didYouMean, guard, has, isDict, own, Problems, quote, type Dict } from './util.js';

const PROFILE_KEYS = ['defaultAction', 'arches', 'rules', 'attributes'];
const RULE_KEYS = ['syscalls', 'action', 'conditions', 'exact', 'priority', 'comment'];
const CONDITION_KEYS = ['arg', 'op', 'value', 'mask', 'width'];
const FLAG_ATTRIBUTES = ['tsync', 'noNewPrivs', 'log', 'specAllow', 'rawRc', 'apiTskip'] as const;
const ATTRIBUTE_KEYS = [...FLAG_ATTRIBUTES, 'optimize', 'badArchAction'];
const OPS = Object.keys(CMP) as CompareOp[];

/** seccomp_data carries six arguments, and libseccomp takes one comparison per argument. */
const MAX_CONDITIONS = 6;
const U32_MAX = 0xffffffffn;
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

const SIMPLE_ACTIONS: Partial<Record<ActionKind, Action>> = {
  allow: Action.allow, killProcess: Action.killProcess, killThread: Action.killThread,
  trap: Action.trap, log: Action.log, notify: Action.notify,
};
const ACTION_KINDS: readonly ActionKind[] = [...Object.keys(SIMPLE_ACTIONS) as ActionKind[], 'errno', 'trace'];

/** What the rules are checked against while reading them. */
interface Context {
  /** Arches whose syscall tables decide whether a name exists. */
  readonly arches: readonly ArchName[];
  readonly defaultAction: Action | undefined;
  /** libseccomp only takes rules on syscall -1 with SCMP_FLTATR_API_TSKIP set. */
  readonly apiTskip: boolean;
}

export function validateProfile(input: unknown): Profile {
  return guard('profile', () => {
    const problems = new Problems();
    const profile = readProfile(input, problems);
    problems.throwIfAny();
    const valid = deepFreeze(profile as Profile);
    VALIDATED.add(valid);
    return valid;
  });
}

/** Profiles validateProfile returned: frozen, so still valid; the compiler need not check them again. */
const VALIDATED = new WeakSet<object>();

/** Whether `profile` came out of validateProfile (so a public entry may skip checking it). */
export function isValidatedProfile(profile: unknown): profile is Profile {
  return typeof profile === 'object' && profile !== null && VALIDATED.has(profile);
}

/** Validates a profile written in code; the static type catches the rest. */
export function defineProfile(profile: Profile): Profile {
  return validateProfile(profile);
}

function readProfile(input: unknown, problems: Problems): Profile | undefined {
  if (!isDict(input)) {
    problems.add('profile', `must be an object, got ${describe(input)}`);
    return undefined;
  }
  checkKeys(input, PROFILE_KEYS, '', problems);
  const defaultAction = readAction(own(input, 'defaultAction'), 'defaultAction', problems);
  const arches = own(input, 'arches') === undefined ? undefined : readArches(own(input, 'arches'), problems);
  const attributes = own(input, 'attributes') === undefined ? undefined : readAttributes(own(input, 'attributes'), problems);
  const context: Context = { arches: checkedArches(arches), defaultAction, apiTskip: attributes?.apiTskip === true };
  const rules = readRules(own(input, 'rules'), context, problems);
  if (!defaultAction) return undefined;
  return { defaultAction, ...(arches && arches.length > 0 && { arches }), rules, ...(attributes && { attributes }) };
}

/** Reads an Action object (`Action.errno("EPERM")` builds one); strings belong to profileFromJSON. */
export function readAction(value: unknown, path: string, problems: Problems): Action | undefined {
  if (!isDict(value)) {
    const hint = typeof value === 'string' ? ' (profileFromJSON reads action strings)' : '';
    problems.add(path, value === undefined ? 'required' : `must be an action such as Action.allow or Action.errno("EPERM"), got ${describe(value)}${hint}`);
    return undefined;
  }
  const kind = own(value, 'kind');
  if (typeof kind !== 'string' || !ACTION_KINDS.includes(kind as ActionKind)) {
    const hint = typeof kind === 'string' ? didYouMean(kind, ACTION_KINDS) : '';
    problems.add(at(path, 'kind'), `unknown action ${typeof kind === 'string' ? quote(kind) : describe(kind)}${hint}: use one of ${ACTION_KINDS.join(', ')}`);
    return undefined;
  }
  if (kind !== 'errno' && kind !== 'trace') {
    checkKeys(value, ['kind'], path, problems);
    return SIMPLE_ACTIONS[kind as ActionKind];
  }
  const field = kind === 'errno' ? 'errno' : 'msg';
  checkKeys(value, ['kind', field], path, problems);
  const data = own(value, field);
  const why = kind === 'errno' ? errnoProblem(data) : isIntIn(data, 0, 0xffff) ? undefined : 'must be an integer from 0 to 65535 (the 16 data bits of the return value)';
  if (why) {
    problems.add(at(path, field), `${why}, got ${describe(data)}`);
    return undefined;
  }
  return kind === 'errno' ? Action.errno(data as number) : Action.trace(data as number);
}

function readArches(value: unknown, problems: Problems): ArchName[] | undefined {
  if (!Array.isArray(value)) {
    problems.add('arches', `must be an array of arch names such as "x86_64", got ${describe(value)}`);
    return undefined;
  }
  const arches: ArchName[] = [];
  for (let i = 0; i < value.length; i++) {
    const arch: unknown = value[i];
    if (isArchName(arch)) {
      if (!arches.includes(arch)) arches.push(arch);
    } else if (typeof arch === 'string') {
      problems.add(at('arches', i), `unknown arch ${quote(arch)}${archHint(arch)}`);
    } else {
      problems.add(at('arches', i), `must be an arch name such as "x86_64", got ${describe(arch)}`);
    }
  }
  return arches;
}

/** Maps what people write for an arch (amd64, SCMP_ARCH_AARCH64, x86-64) to our name. */
function archHint(text: string): string {
  let guess: unknown = text.length <= 64 ? findArch(text)?.name : undefined;
  if (!isArchName(guess)) {
    try {
      guess = nativeArch(text);
    } catch {
      guess = undefined;
    }
  }
  // nativeArch looks names up in a plain object, so "constructor" finds a function: check.
  if (!isArchName(guess)) guess = suggestOne(text, ARCH_NAMES);
  return isArchName(guess) ? ` (did you mean "${guess}"?)` : ` (use one of ${ARCH_NAMES.join(', ')})`;
}

function readAttributes(value: unknown, problems: Problems): ProfileAttributes | undefined {
  if (!isDict(value)) {
    problems.add('attributes', `must be an object, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, ATTRIBUTE_KEYS, 'attributes', problems);
  const out: { -readonly [K in keyof ProfileAttributes]: ProfileAttributes[K] } = {};
  for (const key of FLAG_ATTRIBUTES) {
    const flag = own(value, key);
    if (typeof flag === 'boolean') out[key] = flag;
    else if (flag !== undefined) problems.add(at('attributes', key), `must be true or false, got ${describe(flag)}`);
  }
  const optimize = own(value, 'optimize');
  if (optimize === 1 || optimize === 2) out.optimize = optimize;
  else if (optimize !== undefined) problems.add('attributes.optimize', `must be 1 or 2, got ${describe(optimize)}`);
  if (own(value, 'badArchAction') !== undefined) {
    const action = readAction(own(value, 'badArchAction'), 'attributes.badArchAction', problems);
    if (action) out.badArchAction = action;
  }
  return out;
}

function readRules(value: unknown, context: Context, problems: Problems): Rule[] {
  if (!Array.isArray(value)) {
    problems.add('rules', value === undefined ? 'required (an empty list is fine)' : `must be an array of rules, got ${describe(value)}`);
    return [];
  }
  const rules: Rule[] = [];
  for (let i = 0; i < value.length; i++) {
    const rule = readRule(value[i], at('rules', i), context, problems);
    if (rule) rules.push(rule);
  }
  return rules;
}

function readRule(value: unknown, path: string, context: Context, problems: Problems): Rule | undefined {
  if (!isDict(value)) {
    problems.add(path, `must be a rule object, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, RULE_KEYS, path, problems);
  const syscalls = readSyscalls(own(value, 'syscalls'), at(path, 'syscalls'), context, problems);
  const action = readAction(own(value, 'action'), at(path, 'action'), problems);
  if (action && context.defaultAction && actionsEqual(action, context.defaultAction)) {
    problems.add(at(path, 'action'), `same as defaultAction (${formatAction(action)}): the rule would change nothing, and libseccomp refuses it`);
  }
  const conditions = own(value, 'conditions') === undefined ? undefined : readConditions(own(value, 'conditions'), at(path, 'conditions'), problems);
  const extras = readRuleExtras(value, path, problems);
  if (!syscalls || !action) return undefined;
  return { syscalls, action, ...(conditions && conditions.length > 0 && { conditions }), ...extras };
}

function readRuleExtras(value: Dict, path: string, problems: Problems): Pick<Rule, 'exact' | 'priority' | 'comment'> {
  const out: { exact?: boolean; priority?: number; comment?: string } = {};
  const exact = own(value, 'exact');
  if (typeof exact === 'boolean') out.exact = exact;
  else if (exact !== undefined) problems.add(at(path, 'exact'), `must be true or false, got ${describe(exact)}`);
  const priority = own(value, 'priority');
  if (isIntIn(priority, 0, 255)) out.priority = priority;
  else if (priority !== undefined) problems.add(at(path, 'priority'), `must be an integer from 0 to 255, got ${describe(priority)}`);
  const comment = own(value, 'comment');
  if (typeof comment === 'string') out.comment = comment;
  else if (comment !== undefined) problems.add(at(path, 'comment'), `must be a string, got ${describe(comment)}`);
  return out;
}

function readSyscalls(value: unknown, path: string, context: Context, problems: Problems): (string | number)[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, value === undefined ? 'required' : `must be an array of syscall names or numbers, got ${describe(value)}`);
    return undefined;
  }
  if (value.length === 0) {
    problems.add(path, 'empty: a rule must name at least one syscall');
    return undefined;
  }
  const syscalls: (string | number)[] = [];
  for (let i = 0; i < value.length; i++) {
    const why = syscallProblem(value[i], context);
    if (why) problems.add(at(path, i), why);
    else syscalls.push(value[i] as string | number);
  }
  return syscalls;
}

function syscallProblem(syscall: unknown, context: Context): string | undefined {
  if (typeof syscall === 'string') return syscall === '' ? 'empty syscall name' : unknownSyscall(syscall, context.arches);
  // Numbers are the native arch's; libseccomp's own pseudo numbers are negative, hence int32.
  if (!isIntIn(syscall, INT32_MIN, INT32_MAX)) return `must be a syscall name or a 32-bit syscall number, got ${describe(syscall)}`;
  if (syscall === -1 && !context.apiTskip) return 'syscall -1 needs attributes.apiTskip (SCMP_FLTATR_API_TSKIP)';
  return undefined;
}

function readConditions(value: unknown, path: string, problems: Problems): Condition[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be an array of conditions such as arg(0).eq(1), got ${describe(value)}`);
    return undefined;
  }
  if (value.length > MAX_CONDITIONS) problems.add(path, `${value.length} conditions: a syscall has 6 arguments, and a rule takes at most one condition on each`);
  const conditions: Condition[] = [];
  const seen = new Set<number>();
  const reported = new Set<number>();
  for (let i = 0; i < value.length; i++) {
    const condition = readCondition(value[i], at(path, i), problems);
    if (!condition) continue;
    if (seen.has(condition.arg) && !reported.has(condition.arg)) {
      reported.add(condition.arg);
      problems.add(path, `two conditions on argument ${condition.arg} (libseccomp takes one per argument; use two rules for "or")`);
    }
    seen.add(condition.arg);
    conditions.push(condition);
  }
  return conditions;
}

function readCondition(value: unknown, path: string, problems: Problems): Condition | undefined {
  if (!isDict(value)) {
    problems.add(path, `must be a condition such as arg(0).eq(1), got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, CONDITION_KEYS, path, problems);
  const arg = own(value, 'arg');
  const argOk = isIntIn(arg, 0, 5);
  if (!argOk) problems.add(at(path, 'arg'), `must be an argument index from 0 to 5, got ${describe(arg)}`);
  const op = readOp(own(value, 'op'), at(path, 'op'), problems);
  const width = own(value, 'width') ?? 64;
  if (width !== 32 && width !== 64) problems.add(at(path, 'width'), `must be 32 or 64, got ${describe(width)}`);
  const max = width === 32 ? U32_MAX : U64_MAX;
  const datum = readValue(own(value, 'value'), at(path, 'value'), max, problems);
  const mask = readMask(value, op, path, max, problems);
  if (!argOk || !op || datum === undefined || mask === undefined || (width !== 32 && width !== 64)) return undefined;
  if (op === 'maskedEq' && (datum & ~mask) !== 0n) {
    problems.add(at(path, 'value'), `${hex(datum)} has bits outside the mask ${hex(mask)}, so the condition can never hold`);
    return undefined;
  }
  return Object.freeze({ arg: arg as ArgIndex, op, value: datum, mask, width: width as Width });
}

function readOp(op: unknown, path: string, problems: Problems): CompareOp | undefined {
  if (typeof op === 'string' && has(CMP, op)) return op as CompareOp;
  const hint = typeof op === 'string' ? `unknown comparison ${quote(op)}${didYouMean(op, OPS)}` : `must be a comparison, got ${describe(op)}`;
  problems.add(path, `${hint}: use one of ${OPS.join(', ')}`);
  return undefined;
}

/** The mask belongs to maskedEq; any other op keeps 0n there (what the builders store). */
function readMask(value: Dict, op: CompareOp | undefined, path: string, max: bigint, problems: Problems): bigint | undefined {
  const raw = own(value, 'mask');
  if (op === 'maskedEq') return readValue(raw, at(path, 'mask'), max, problems);
  if (raw === undefined || raw === 0n || raw === 0) return 0n;
  problems.add(at(path, 'mask'), `only maskedEq uses a mask, got ${describe(raw)} with ${op ?? 'this op'}`);
  return undefined;
}

/** bigint (what the builders store) or a safe non-negative integer number. */
function readValue(value: unknown, path: string, max: bigint, problems: Problems): bigint | undefined {
  const v = typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof v === 'bigint' && v >= 0n && v <= max) return v;
  const hint = max === U32_MAX ? ' (arg32() turns negative ints into this range)' : ' (arg() turns negative values into two\'s complement)';
  problems.add(path, value === undefined ? 'required' : `must be a bigint from 0 to ${hex(max)}${hint}, got ${describe(value)}`);
  return undefined;
}
