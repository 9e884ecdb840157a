/**
 * Firecracker's seccompiler JSON, both ways. The shape, from firecracker's
 * docs/seccompiler.md and src/seccompiler/src/types.rs:
 *
 *   { "<thread>": { "default_action": A, "filter_action": A,
 *                   "filter": [{ "syscall": name, "comment"?, "args"?: [cond, …] }] } }
 *
 * An action is "allow", "kill_thread", "kill_process", "log", "trap", { "errno": n } or
 * { "trace": n }. A condition is { index, type: "dword"|"qword", op, val, comment? } with op one
 * of eq, ne, lt, le, gt, ge or { "masked_eq": mask }; `val` is a base-10 integer. Semantics that
 * matter for a faithful import: all rules share one action (filter_action); a rule's conditions
 * are ANDed, rules for the same syscall ORed; and seccompiler turns a dword `eq` into a masked
 * comparison of the low 32 bits (the SDK's 32-bit eq) while every other dword comparison is a
 * full 64-bit one. A file holds one filter per thread category; one Profile is one filter.
 */
import { Action, actionsEqual } from '../actions.js';
import { ARCH_NAMES, type ArchName } from '../arch.js';
import type { CompareOp, Condition } from '../compare.js';
import { ProfileError } from '../errors.js';
import { describeValue } from '../input.js';
import type { Profile, Rule } from '../profile/model.js';
import { validateProfile } from '../profile/validate.js';

export type SeccompilerAction =
  | 'allow' | 'kill_thread' | 'kill_process' | 'log' | 'trap'
  | { readonly errno: number } | { readonly trace: number };

export type SeccompilerOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | { readonly masked_eq: number | bigint };

export interface SeccompilerCondition {
  readonly index: number;
  readonly type: 'dword' | 'qword';
  readonly op: SeccompilerOp;
  readonly val: number | bigint;
  readonly comment?: string;
}

export interface SeccompilerRule {
  readonly syscall: string;
  readonly comment?: string;
  readonly args?: readonly SeccompilerCondition[];
}

export interface SeccompilerFilter {
  readonly default_action: SeccompilerAction;
  readonly filter_action: SeccompilerAction;
  readonly filter: readonly SeccompilerRule[];
}

/** Thread category → filter (Firecracker's are vmm, api and vcpu). */
export type SeccompilerJson = Readonly<Record<string, SeccompilerFilter>>;

export interface FromSeccompilerOptions {
  /** Which thread's filter, when the file has more than one. */
  readonly thread?: string;
  /** The arch the file was written for (seccompiler files are per target): x86_64 or aarch64. */
  readonly arch?: ArchName;
}

export interface ToSeccompilerOptions {
  /** The thread category the filter is written under (default "main"). */
  readonly thread?: string;
}

const OPS: Readonly<Record<string, CompareOp>> = { eq: 'eq', ne: 'ne', lt: 'lt', le: 'le', gt: 'gt', ge: 'ge' };
const U64 = (1n << 64n) - 1n;
const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    if (this.list.length < 200) this.list.push(`${path}: ${message}`);
  }
  throwIfAny(): void {
    if (this.list.length) throw new ProfileError(this.list);
  }
}

function actionOf(value: unknown, path: string, problems: Problems): Action | undefined {
  switch (value) {
    case 'allow': return Action.allow;
    case 'kill_thread': return Action.killThread;
    case 'kill_process': return Action.killProcess;
    case 'log': return Action.log;
    case 'trap': return Action.trap;
  }
  if (isDict(value) && Object.keys(value).length === 1) {
    const [key, n] = Object.entries(value)[0]!;
    const ok = typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffff;
    if ((key === 'errno' || key === 'trace') && ok) {
      try {
        return key === 'errno' ? Action.errno(n) : Action.trace(n);
      } catch (err) {
        problems.add(path, (err as Error).message);
        return undefined;
      }
    }
  }
  problems.add(path, `must be "allow", "kill_thread", "kill_process", "log", "trap", { "errno": n } or { "trace": n }, got ${describeValue(value)}`);
  return undefined;
}

function u64(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value >= 0n && value <= U64 ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return undefined;
}

function conditionOf(c: unknown, path: string, problems: Problems): Condition | undefined {
  if (!isDict(c)) {
    problems.add(path, `must be an object { index, type, op, val }, got ${describeValue(c)}`);
    return undefined;
  }
  const index = c.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 5) problems.add(`${path}.index`, `must be an argument index from 0 to 5, got ${describeValue(index)}`);
  if (c.type !== 'dword' && c.type !== 'qword') problems.add(`${path}.type`, `must be "dword" or "qword", got ${describeValue(c.type)}`);
  const val = u64(c.val);
  if (val === undefined) problems.add(`${path}.val`, `must be an unsigned 64-bit integer, got ${describeValue(c.val)}`);
  let op: CompareOp | undefined;
  let mask = 0n;
  if (typeof c.op === 'string' && Object.hasOwn(OPS, c.op)) op = OPS[c.op];
  else if (isDict(c.op) && Object.keys(c.op).length === 1 && Object.hasOwn(c.op, 'masked_eq')) {
    const m = u64(c.op.masked_eq);
    if (m === undefined) problems.add(`${path}.op.masked_eq`, `must be an unsigned 64-bit integer, got ${describeValue(c.op.masked_eq)}`);
    else (op = 'maskedEq'), (mask = m);
  } else problems.add(`${path}.op`, `must be eq, ne, lt, le, gt, ge or { "masked_eq": mask }, got ${describeValue(c.op)}`);
  if (op === undefined || val === undefined || typeof index !== 'number' || (c.type !== 'dword' && c.type !== 'qword')) return undefined;
  // seccompiler's dword eq compares the low 32 bits (a masked eq); every other op the whole register.
  const width = c.type === 'dword' && op === 'eq' ? 32 : 64;
  if (width === 32 && val > 0xffffffffn) {
    problems.add(`${path}.val`, 'a dword compares 32 bits; this value has more');
    return undefined;
  }
  return { arg: index as Condition['arg'], op, value: op === 'maskedEq' ? val & mask : val, mask, width };
}

function pickThread(json: Record<string, unknown>, thread: string | undefined): [string, unknown] {
  const names = Object.keys(json);
  if (thread !== undefined) {
    if (!Object.hasOwn(json, thread)) throw new ProfileError([`${JSON.stringify(thread.slice(0, 60))}: no such thread; the file has ${names.slice(0, 20).join(', ') || 'none'}`]);
    return [thread, json[thread]];
  }
  if (names.length !== 1) throw new ProfileError([`the file has ${names.length} thread filters (${names.slice(0, 20).join(', ')}); say which with { thread }`]);
  return [names[0]!, json[names[0]!]];
}

/**
 * A seccompiler filter as an SDK profile: each rule becomes one rule with the filter's action;
 * names are checked when the profile is validated. Throws ProfileError naming every problem.
 */
export function fromSeccompiler(json: unknown, options: FromSeccompilerOptions = {}): Profile {
  if (!isDict(json)) throw new ProfileError([`a seccompiler file is an object of thread filters, got ${describeValue(json)}`]);
  if (!isDict(options as unknown)) throw new TypeError(`options must be an object, got ${describeValue(options)}.`);
  if (options.arch !== undefined && !(ARCH_NAMES as readonly unknown[]).includes(options.arch)) {
    throw new RangeError(`options.arch must be one of ${ARCH_NAMES.join(', ')}, got ${describeValue(options.arch)}.`);
  }
  const [thread, filter] = pickThread(json, options.thread);
  const problems = new Problems();
  if (!isDict(filter)) {
    problems.add(thread, `must be an object { default_action, filter_action, filter }, got ${describeValue(filter)}`);
    problems.throwIfAny();
  }
  const f = filter as Record<string, unknown>;
  const defaultAction = actionOf(f.default_action, `${thread}.default_action`, problems);
  const action = actionOf(f.filter_action, `${thread}.filter_action`, problems);
  if (!Array.isArray(f.filter)) problems.add(`${thread}.filter`, `must be an array of rules, got ${describeValue(f.filter)}`);
  const rules: Rule[] = [];
  (Array.isArray(f.filter) ? f.filter : []).forEach((r: unknown, i) => {
    const path = `${thread}.filter[${i}]`;
    if (!isDict(r) || typeof r.syscall !== 'string') {
      problems.add(path, `must be an object with a "syscall" name, got ${describeValue(r)}`);
      return;
    }
    if (r.args !== undefined && r.args !== null && !Array.isArray(r.args)) problems.add(`${path}.args`, `must be an array, got ${describeValue(r.args)}`);
    const args = Array.isArray(r.args) ? r.args : [];
    const conditions = args.map((c: unknown, j) => conditionOf(c, `${path}.args[${j}]`, problems)).filter((c): c is Condition => c !== undefined);
    if (!action) return;
    rules.push({
      syscalls: [r.syscall], action,
      ...(conditions.length ? { conditions } : {}),
      ...(typeof r.comment === 'string' && { comment: r.comment }),
    });
  });
  problems.throwIfAny();
  return validateProfile({ defaultAction, rules, ...(options.arch && { arches: [options.arch] }) });
}

function actionTo(action: Action, what: string): SeccompilerAction {
  switch (action.kind) {
    case 'allow': return 'allow';
    case 'killThread': return 'kill_thread';
    case 'killProcess': return 'kill_process';
    case 'log': return 'log';
    case 'trap': return 'trap';
    case 'errno': return { errno: action.errno };
    case 'trace': return { trace: action.msg };
    default: throw new ProfileError([`${what}: seccompiler has no ${action.kind} action`]);
  }
}

/** A number while JSON keeps it exact, else a bigint (JSON.stringify needs a replacer for those). */
function num(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function conditionTo(c: Condition): SeccompilerCondition {
  if (c.op === 'maskedEq') return { index: c.arg, type: c.width === 32 ? 'dword' : 'qword', op: { masked_eq: num(c.width === 32 ? c.mask & 0xffffffffn : c.mask) }, val: num(c.value) };
  // Only eq keeps the 32-bit meaning in seccompiler; the SDK's other 32-bit ops compare the whole register too.
  return { index: c.arg, type: c.width === 32 && c.op === 'eq' ? 'dword' : 'qword', op: c.op as SeccompilerOp, val: num(c.value) };
}

/**
 * An SDK profile as a seccompiler file with one thread filter. seccompiler gives every rule
 * one action, so a profile whose rules differ in action, or use syscall numbers, is refused
 * (ProfileError naming the rules).
 */
export function toSeccompiler(profile: Profile, options: ToSeccompilerOptions = {}): SeccompilerJson {
  const p = validateProfile(profile);
  const thread = options.thread ?? 'main';
  if (typeof thread !== 'string' || thread === '') throw new TypeError(`options.thread must be a non-empty string, got ${describeValue(thread)}.`);
  const actions = p.rules.map((r) => r.action);
  const first = actions[0] ?? (p.defaultAction.kind === 'allow' ? Action.errno('EPERM') : Action.allow);
  const problems: string[] = [];
  p.rules.forEach((r, i) => {
    if (!actionsEqual(r.action, first)) problems.push(`rules[${i}]: seccompiler gives every rule one action (filter_action); this rule's differs from rules[0]'s`);
    r.syscalls.forEach((s, j) => {
      if (typeof s !== 'string') problems.push(`rules[${i}].syscalls[${j}]: seccompiler names its syscalls; write the name of syscall ${s}`);
    });
  });
  if (problems.length) throw new ProfileError(problems.slice(0, 200));
  const filter: SeccompilerRule[] = p.rules.flatMap((r) => (r.syscalls as string[]).map((syscall) => ({
    syscall,
    ...(r.comment !== undefined && { comment: r.comment }),
    ...(r.conditions?.length ? { args: r.conditions.map(conditionTo) } : {}),
  })));
  return { [thread]: { default_action: actionTo(p.defaultAction, 'defaultAction'), filter_action: actionTo(first, 'rules[0].action'), filter } };
}

/** JSON text for a seccompiler file, 64-bit values as exact numbers. */
export function seccompilerToJSON(json: SeccompilerJson): string {
  const text = JSON.stringify(json, (_k, v: unknown) => (typeof v === 'bigint' ? `\u0000${v}\u0000` : v), 2);
  return text.replace(/"\\u0000(\d+)\\u0000"/g, '$1');
}
