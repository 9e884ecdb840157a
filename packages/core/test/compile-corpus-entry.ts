/**
 * A libseccomp corpus entry through the TypeScript compiler: its filter replayed
 * (corpus-replay.ts) into Profiles, one per group of arches with the same rules, each
 * compiled, and the programs chained into one: where one program would answer "bad arch",
 * the next one starts. That is what libseccomp's program does with per-arch databases: an
 * arch check per database, the bad-arch action after the last.
 */
import type { SockFilter } from '../src/abi.js';
import { encodeBpf } from '../src/abi.js';
import { Action } from '../src/actions.js';
import type { ArchName, Endian } from '../src/arch.js';
import { BPF_JA, BPF_JMP, BPF_K, BPF_MAXINSNS, BPF_RET, stmt } from '../src/bpf/opcodes.js';
import { arg, type Condition } from '../src/compare.js';
import { compileProfileBpf, CompileError, type CompiledProgram } from '../src/compile/index.js';
import type { Profile, Rule } from '../src/profile/model.js';
import { ruleValue, type CorpusAction, type CorpusArg, type CorpusEntry, type CorpusRule } from '../testing/corpus-data.js';
import { groupDbs, NotReplayed, replayFilter, type ArchDb, type Collection, type ReplayContext } from './corpus-replay.js';

/** The arch the corpus is expanded for: the machine the kernel checks run on. */
export const NATIVE: ArchName = 'x86_64';

export function toAction(a: CorpusAction): Action {
  if (typeof a === 'object') return 'errno' in a ? Action.errno(a.errno) : Action.trace(a.trace);
  const simple: Record<string, Action> = {
    ALLOW: Action.allow, KILL: Action.killThread, KILL_PROCESS: Action.killProcess, TRAP: Action.trap, LOG: Action.log, NOTIFY: Action.notify,
  };
  return simple[a]!;
}

const OPS = { EQ: 'eq', NE: 'ne', LT: 'lt', LE: 'le', GT: 'gt', GE: 'ge' } as const;

function toCondition(a: CorpusArg): Condition {
  const b = arg(a.arg);
  if (a.op === 'MASKED_EQ') return b.maskedEq(BigInt(a.mask ?? '0xffffffffffffffff'), ruleValue(a.value, NATIVE));
  return b[OPS[a.op]](ruleValue(a.value, NATIVE));
}

function toRule(r: CorpusRule, priority: number | undefined): Rule {
  return {
    syscalls: [r.syscall], action: toAction(r.action), conditions: r.args.map(toCondition),
    ...(r.exact && { exact: true }), ...(priority !== undefined && { priority }),
  };
}

/** libseccomp's own bad-arch action (the corpus never changes it): kill the thread. */
const BAD_ARCH = Action.killThread;

/** The Profile for arches whose databases hold the same rules. */
function toProfile(c: Collection, dbs: readonly ArchDb[]): Profile {
  const { rules, priorities } = dbs[0]!;
  return {
    defaultAction: toAction(c.defaultAction),
    arches: dbs.map((db) => db.arch),
    rules: rules.map((r) => toRule(r, priorities.get(r.syscall))),
    attributes: { badArchAction: BAD_ARCH, ...(c.apiTskip && { apiTskip: true }) },
  };
}

function compileError(err: unknown): string {
  if (!(err instanceof CompileError)) throw err;
  return `${err.reason}${err.feature ? ` (${err.feature})` : ''}`;
}

/** Replays with the compiler as the judge of rules libseccomp must refuse; notes its reasons. */
function context(refusals: string[]): ReplayContext {
  return {
    native: NATIVE,
    refusal(rule, state) {
      const profile: Profile = { ...toProfile(state, state.dbs), rules: [toRule(rule, undefined)] };
      try {
        compileProfileBpf(profile, { nativeArch: NATIVE });
        return undefined;
      } catch (err) {
        const reason = `${JSON.stringify(rule.syscall)}: ${compileError(err)}`;
        refusals.push(reason);
        return reason;
      }
    },
  };
}

/**
 * One program from several, each covering its own arches: every bad-arch return of all but
 * the last becomes a jump to the start of the next (JA takes a 32-bit offset, so any
 * distance is fine); the last keeps the real bad-arch action.
 */
export function chainByArch(parts: readonly CompiledProgram[]): SockFilter[] {
  const out: SockFilter[] = [];
  parts.forEach((part, i) => {
    const base = out.length;
    const next = base + part.program.length;
    const last = i === parts.length - 1;
    part.program.forEach((ins, pc) => {
      if (last || part.provenance.get(pc) !== 'badArch') return out.push(ins);
      if (ins.code !== (BPF_RET | BPF_K)) throw new Error(`pc ${pc} is the bad-arch return in the provenance but no RET K`);
      return out.push(stmt(BPF_JMP | BPF_JA, next - (base + pc) - 1));
    });
  });
  if (out.length > BPF_MAXINSNS) throw new CompileError({ reason: 'tooLong', instructions: out.length, limit: BPF_MAXINSNS }, `${out.length} instructions chained`);
  return out;
}

export interface EntryProgram {
  readonly program: readonly SockFilter[];
  readonly bytes: Uint8Array;
  readonly endian: Endian;
  /** Profiles compiled (more than one when arches hold different rules, e.g. after a merge). */
  readonly profiles: number;
  /** Rules the corpus says libseccomp refuses, with the compiler's reason for refusing each. */
  readonly refusals: readonly string[];
}

/** The entry's program, or why the harness or the compiler does not cover it (a reason as data). */
export function entryProgram(e: CorpusEntry): EntryProgram | string {
  const refusals: string[] = [];
  try {
    const collection = replayFilter(e.filter, context(refusals));
    const parts = groupDbs(collection.dbs).map((dbs) => compileProfileBpf(toProfile(collection, dbs), { nativeArch: NATIVE }));
    const program = chainByArch(parts);
    const endian = parts[0]!.endian;
    return { program, bytes: encodeBpf(program, endian), endian, profiles: parts.length, refusals };
  } catch (err) {
    if (err instanceof NotReplayed) return err.reason;
    if (err instanceof CompileError) return err.feature ?? err.reason;
    throw err;
  }
}
