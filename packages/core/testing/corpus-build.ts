/**
 * Builds a corpus entry's filter with the SDK's SyscallFilter, step by step, as the
 * reference test builds it with libseccomp's API (conformance/README.md, "Step").
 */
import type { Action, ArchName, Condition, SyscallFilter } from '../src/internal.js';
import type { CorpusAction, CorpusArg, CorpusFilter, CorpusRule, CorpusStep } from './corpus-data.js';
import { ruleValue } from './corpus-data.js';
import type { ScenarioApi } from './scenario-types.js';

export interface BuildContext {
  api: ScenarioApi;
  native: ArchName;
  /** Arches this libseccomp lacks that the entry may go without (its minVersion is unmet). */
  droppable: ReadonlySet<string>;
}

export interface BuildNotes {
  /** Calls the reference requires to fail, and did. */
  expectedErrors: number;
  /** Problems: a call that should have failed and did not. */
  problems: string[];
}

export function toAction(api: ScenarioApi, a: CorpusAction): Action {
  if (typeof a === 'object') return 'errno' in a ? api.Action.errno(a.errno) : api.Action.trace(a.trace);
  const simple: Record<string, Action> = {
    ALLOW: api.Action.allow, KILL: api.Action.killThread, KILL_PROCESS: api.Action.killProcess,
    TRAP: api.Action.trap, LOG: api.Action.log, NOTIFY: api.Action.notify,
  };
  const found = simple[a];
  if (!found) throw new RangeError(`Unknown corpus action ${JSON.stringify(a)}.`);
  return found;
}

const OPS = { EQ: 'eq', NE: 'ne', LT: 'lt', LE: 'le', GT: 'gt', GE: 'ge' } as const;

/** A corpus comparison through the public builders, as an SDK user would write it. */
export function toCondition(api: ScenarioApi, a: CorpusArg, native: string): Condition {
  const b = api.arg(a.arg);
  if (a.op === 'MASKED_EQ') return b.maskedEq(BigInt(a.mask ?? '0xffffffffffffffff'), ruleValue(a.value, native));
  return b[OPS[a.op]](ruleValue(a.value, native));
}

function addRule(ctx: BuildContext, f: SyscallFilter, r: CorpusRule, notes: BuildNotes): void {
  const { api, native } = ctx;
  const conds = r.args.map((a) => toCondition(api, a, native));
  const add = () => {
    if (r.priority !== undefined) f.setSyscallPriority(r.syscall, r.priority);
    if (r.exact) f.addRuleExact(toAction(api, r.action), r.syscall, ...conds);
    else f.addRule(toAction(api, r.action), r.syscall, ...conds);
  };
  if (!r.expectError) return add();
  try {
    add();
  } catch {
    notes.expectedErrors++;
    return;
  }
  notes.problems.push(`adding ${JSON.stringify(r)} should have failed and did not`);
}

/** Step op addRuleForEachNativeSyscall (entry 05), with libseccomp's own native table. */
function addForEachNative(ctx: BuildContext, f: SyscallFilter, s: Extract<CorpusStep, { op: 'addRuleForEachNativeSyscall' }>, notes: BuildNotes): void {
  const { api } = ctx;
  const excluded = new Set(s.excludeSyscalls.map((n) => api.syscallResolveName(n)));
  let added = 0;
  for (let n = s.numberRange[0]; n <= s.numberRange[1] && added < s.maxRules; n++) {
    if (excluded.has(n) || api.syscallResolveNum(n) === undefined) continue;
    addRule(ctx, f, { action: s.action, syscall: n, args: s.args, exact: s.exact }, notes);
    added++;
  }
}

function addArch(ctx: BuildContext, f: SyscallFilter, arch: string): void {
  if (ctx.droppable.has(arch)) return;
  f.addArch(arch as ArchName);
}

function runStep(ctx: BuildContext, f: SyscallFilter, s: CorpusStep, notes: BuildNotes): void {
  const { api } = ctx;
  switch (s.op) {
    case 'addRule': return addRule(ctx, f, s, notes);
    case 'setSyscallPriority': f.setSyscallPriority(s.syscall, s.priority); return;
    case 'reset': f.reset(s.defaultAction === undefined ? undefined : toAction(api, s.defaultAction)); return;
    case 'merge': f.merge(buildFilter(ctx, s.filter, notes)); return;
    case 'addArch': return addArch(ctx, f, s.arch);
    case 'removeArch': if (!ctx.droppable.has(s.arch)) f.removeArch(s.arch as ArchName); return;
    case 'precompute': f.precompute(); return;
    case 'transactionStart': f.transactionStart(); return;
    case 'transactionCommit': f.transactionCommit(); return;
    case 'transactionReject': f.transactionReject(); return;
    case 'addRuleForEachNativeSyscall': return addForEachNative(ctx, f, s, notes);
  }
}

/**
 * The filter of `def`, never loaded. TSYNC stays off: it does not change the BPF, and
 * libseccomp refuses it at API level 1 (entry 50).
 */
export function buildFilter(ctx: BuildContext, def: CorpusFilter, notes: BuildNotes): SyscallFilter {
  const f = new ctx.api.SyscallFilter(toAction(ctx.api, def.defaultAction), { tsync: false });
  try {
    if (def.arches[0] !== 'native') {
      // As the reference tests do: drop the native arch, then add the list in order.
      f.removeArch(ctx.native);
      for (const arch of def.arches) addArch(ctx, f, arch);
    }
    if (def.attributes.optimize !== undefined) f.setAttr('optimize', def.attributes.optimize as 1 | 2);
    if (def.attributes.apiTskip !== undefined) f.setAttr('apiTskip', def.attributes.apiTskip === 1);
    const steps: CorpusStep[] = def.steps ?? (def.rules ?? []).map((r) => ({ op: 'addRule' as const, ...r }));
    for (const s of steps) runStep(ctx, f, s, notes);
    return f;
  } catch (err) {
    f.release();
    throw err;
  }
}
