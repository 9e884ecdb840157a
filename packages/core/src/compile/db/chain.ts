/**
 * One rule as libseccomp 2.5.4 turns it into a chain of 32-bit tests before merging it
 * (src/db.c _db_rule_gen_64 / _db_rule_gen_32). Conditions go in argument order.
 *
 * 64-bit arches: eq, ne and maskedEq test the high word, then the low word. The orderings
 * test "high above", then "high equal" and the low word; the rest of the rule hangs from
 * both ways through (two parents share it). 32-bit arches: one node per condition, with
 * ne, lt and le rewritten as eq, ge and gt whose false exit continues the rule.
 */
import type { ArgTest, Bits } from '../conditions.js';
import { DbStop, get, type DbContext, type DbNode, type NodeOp } from './node.js';

/** A rule as the model adds it to one syscall. */
export interface ChainRule {
  /** Index in `profile.rules`. */
  readonly rule: number;
  /** The action as the kernel sees it (libseccomp compares these). */
  readonly action: number;
  readonly tests: readonly ArgTest[];
}

const WORD = 0xffffffffn;
const lo = (v: bigint): number => Number(v & WORD);
const hi = (v: bigint): number => Number((v >> 32n) & WORD);

function makeNode(ctx: DbContext, t: ArgTest, high: boolean, op: NodeOp, mask: number, datum: number): DbNode {
  return {
    id: ctx.newId(), arg: t.arg, hi: high, op, opOrig: t.op, mask: mask >>> 0, datum: (datum & mask) >>> 0, full: t.full ?? t.datum,
    actT: 0, actTFlg: false, actTRule: undefined, actF: 0, actFFlg: false, actFRule: undefined,
    lvlPrv: null, lvlNxt: null, nxtT: null, nxtF: null, refs: 0, freed: false,
  };
}

function setAction(n: DbNode, side: 'T' | 'F', r: ChainRule): void {
  if (side === 'T') Object.assign(n, { actT: r.action, actTFlg: true, actTRule: r.rule });
  else Object.assign(n, { actF: r.action, actFFlg: true, actFRule: r.rule });
}

/** Conditions in libseccomp's order: by argument (it keeps one per argument). */
function ordered(r: ChainRule): ArgTest[] {
  const tests = [...r.tests].sort((a, b) => a.arg - b.arg);
  if (tests.some((t, i) => i > 0 && tests[i - 1]!.arg === t.arg)) {
    throw new DbStop('sameArgTwice', `rules[${r.rule}] tests one argument twice; libseccomp refuses it (EINVAL)`);
  }
  return tests;
}

/** A 64-bit condition's nodes and the exits the rest of the rule (or its action) hangs from. */
interface Piece {
  readonly head: DbNode;
  readonly size: number;
  readonly exits: ReadonlyArray<readonly [DbNode, 'T' | 'F']>;
}

function piece64(ctx: DbContext, t: ArgTest): Piece {
  if (t.op === 'eq' || t.op === 'ne' || t.op === 'maskedEq') {
    const mask = t.op === 'maskedEq' ? t.mask : (1n << 64n) - 1n;
    const op: NodeOp = t.op === 'maskedEq' ? 'maskedEq' : 'eq';
    const h = makeNode(ctx, t, true, op, hi(mask), hi(t.datum));
    const l = makeNode(ctx, t, false, op, lo(mask), lo(t.datum));
    h.nxtT = get(l);
    // eq holds when both words match; ne when either differs.
    return { head: h, size: 2, exits: t.op === 'ne' ? [[h, 'F'], [l, 'F']] : [[l, 'T']] };
  }
  const above = makeNode(ctx, t, true, 'gt', 0xffffffff, hi(t.datum));
  const same = makeNode(ctx, t, true, 'eq', 0xffffffff, hi(t.datum));
  const low = makeNode(ctx, t, false, t.op === 'gt' || t.op === 'le' ? 'gt' : 'ge', 0xffffffff, lo(t.datum));
  above.nxtF = get(same);
  same.nxtT = get(low);
  const up = t.op === 'gt' || t.op === 'ge';
  return { head: above, size: 3, exits: up ? [[above, 'T'], [low, 'T']] : [[same, 'F'], [low, 'F']] };
}

function piece32(ctx: DbContext, t: ArgTest): Piece {
  const rewrite: Record<ArgTest['op'], NodeOp> = { eq: 'eq', ne: 'eq', maskedEq: 'maskedEq', lt: 'ge', le: 'gt', gt: 'gt', ge: 'ge' };
  const mask = t.op === 'maskedEq' ? lo(t.mask) : 0xffffffff;
  const n = makeNode(ctx, t, false, rewrite[t.op], mask, lo(t.datum));
  const negated = t.op === 'ne' || t.op === 'lt' || t.op === 'le';
  return { head: n, size: 1, exits: [[n, negated ? 'F' : 'T']] };
}

export interface Chain {
  /** The root holds one reference; null for a rule without conditions. */
  readonly root: DbNode | null;
  /** Nodes made: libseccomp's count, which sets the syscall's place in its layout. */
  readonly nodes: number;
}

export function makeChain(ctx: DbContext, r: ChainRule, bits: Bits): Chain {
  let root: DbNode | null = null;
  let exits: Piece['exits'] = [];
  let nodes = 0;
  for (const t of ordered(r)) {
    const p = bits === 64 ? piece64(ctx, t) : piece32(ctx, t);
    nodes += p.size;
    if (!root) root = get(p.head);
    for (const [n, side] of exits) n[side === 'T' ? 'nxtT' : 'nxtF'] = get(p.head);
    exits = p.exits;
  }
  for (const [n, side] of exits) setAction(n, side, r);
  return { root, nodes };
}
