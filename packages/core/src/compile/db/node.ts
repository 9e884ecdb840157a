/**
 * A model of libseccomp 2.5.4's rule database for one syscall (src/db.c): each rule becomes a
 * chain of 32-bit tests, and chains are merged into one tree of "levels" (sibling lists)
 * whose nodes branch on true and false. The merge has quirks that decide verdicts when rules
 * overlap, so the model keeps libseccomp's own bookkeeping — reference counts, sibling links
 * that may be shared by two parents, nodes freed while a pointer still names them — and
 * follows it step by step. This file: the node, its ordering, and the walks every step uses.
 */
import type { CompareOp } from '../../compare.js';

/** The 32-bit test a node makes: libseccomp rewrites ne/lt/le into eq/ge/gt with swapped exits. */
export type NodeOp = 'eq' | 'maskedEq' | 'gt' | 'ge';

export interface DbNode {
  readonly id: number;
  readonly arg: number;
  /** The high word of a 64-bit argument. */
  readonly hi: boolean;
  readonly op: NodeOp;
  /** The rule's comparison, which orders siblings. */
  readonly opOrig: CompareOp;
  readonly mask: number;
  /** Already masked. */
  readonly datum: number;
  /** The rule's whole 64-bit datum (unmasked), which breaks ties between high-word actions. */
  readonly full: bigint;
  /** Actions are kept as libseccomp keeps them: a value and a flag, each set on its own. */
  actT: number;
  actTFlg: boolean;
  /** The rule the action value came from (provenance); undefined for a value never given. */
  actTRule: number | undefined;
  actF: number;
  actFFlg: boolean;
  actFRule: number | undefined;
  lvlPrv: DbNode | null;
  lvlNxt: DbNode | null;
  nxtT: DbNode | null;
  nxtF: DbNode | null;
  refs: number;
  freed: boolean;
}

/** Why the model stopped: what libseccomp does there is not a filter the compiler can copy. */
export type StopKind =
  /** libseccomp refuses the rule (EEXIST): the profile cannot be built by it either. */
  | 'eexist'
  /** libseccomp walks a sibling list that has become a cycle, or recurses without end. */
  | 'libseccompLoops'
  /** libseccomp reads a node it has already freed: its result is undefined. */
  | 'useAfterFree'
  /** libseccomp's program would return an action value no rule gave (a misplaced copy). */
  | 'lostAction'
  /** One rule tests an argument twice: libseccomp refuses it (EINVAL). */
  | 'sameArgTwice'
  /** The merge took more steps than the budget for this syscall's rules. */
  | 'tooComplex'
  /** libseccomp's code for the tree has more blocks than a program may have instructions. */
  | 'tooLong';

export class DbStop extends Error {
  constructor(readonly kind: StopKind, message: string) {
    super(message);
  }
}

/** Per-syscall bookkeeping: the step budget, and a bound on honest walks along a level. */
export class DbContext {
  private steps = 0;
  private nextId = 0;
  private depth = 0;
  private changes = 0;

  constructor(private readonly budget: number) {}

  /** Every node visit costs a step, so no profile can make the model run long. */
  tick(): void {
    if (++this.steps > this.budget) throw new DbStop('tooComplex', `more than ${this.budget} steps merging this syscall's rules`);
  }

  /**
   * Counts changes to the tree's shape (links, frees). A walk that changed nothing and found
   * nothing gives the same answer again until the next change, so it need not be repeated:
   * libseccomp re-walks subtrees shared by two parents, which multiplies per shared level.
   */
  changed(): void {
    this.changes++;
  }

  get version(): number {
    return this.changes;
  }

  newId(): number {
    return this.nextId++;
  }

  /** Runs a step one level down; an honest tree is never deeper than its node count. */
  down<T>(step: () => T): T {
    if (++this.depth > this.nextId + 2) throw new DbStop('libseccompLoops', 'libseccomp\'s tree has become a cycle, and its walk would never end');
    try {
      return step();
    } finally {
      this.depth--;
    }
  }

  /** No honest level is longer than the number of nodes ever made. */
  get longestLevel(): number {
    return this.nextId;
  }
}

export function live(n: DbNode): DbNode {
  if (n.freed) throw new DbStop('useAfterFree', 'libseccomp would use a tree node after freeing it');
  return n;
}

export function get(n: DbNode | null): DbNode | null {
  if (n) live(n).refs++;
  return n;
}

/** The first node of `n`'s level; a cycle of siblings is where libseccomp never returns. */
export function levelHead(ctx: DbContext, n: DbNode): DbNode {
  let at = live(n);
  for (let i = 0; at.lvlPrv; i++) {
    ctx.tick();
    if (i > ctx.longestLevel) throw new DbStop('libseccompLoops', 'a sibling list of libseccomp\'s tree has become a cycle');
    at = live(at.lvlPrv);
  }
  return at;
}

/** One more step along a level: a walk longer than any honest level is going round a cycle. */
export function stepAlong(ctx: DbContext, walked: number): void {
  ctx.tick();
  if (walked > ctx.longestLevel) throw new DbStop('libseccompLoops', 'a sibling list of libseccomp\'s tree has become a cycle');
}

/** The next sibling; `walked` counts the steps taken along this level so far. */
export function nextSibling(ctx: DbContext, n: DbNode, walked: number): DbNode | null {
  stepAlong(ctx, walked);
  return n.lvlNxt;
}

export const isLeaf = (n: DbNode): boolean => n.nxtT === null && n.nxtF === null;

/** A leaf with no action: it decides nothing, and a removal walk drops it. */
export const isZombie = (n: DbNode): boolean => isLeaf(n) && !n.actTFlg && !n.actFFlg;

/** Sibling order key 1: the argument, its high word after its low word. */
const argRank = (n: DbNode): number => n.arg * 2 + (n.hi ? 1 : 0);

/** Sibling order key 2: equality tests, then lt/le, then gt/ge. */
function opRank(op: CompareOp): number {
  if (op === 'eq' || op === 'ne' || op === 'maskedEq') return 3;
  if (op === 'lt' || op === 'le') return 2;
  return 1;
}

/** Same test (libseccomp merges the two): same word, rewritten op, datum and mask. */
export function sameTest(a: DbNode, b: DbNode): boolean {
  return argRank(a) === argRank(b) && a.op === b.op && a.datum === b.datum && a.mask === b.mask;
}

/**
 * libseccomp's "a sorts below b". A level keeps its nodes from highest to lowest: a new node
 * goes in front of the first node below it. For lt/le the datum order is reversed, so the
 * smaller bound comes first; for the others the larger datum does.
 */
export function sortsBelow(a: DbNode, b: DbNode): boolean {
  const ra = argRank(a);
  const rb = argRank(b);
  if (ra !== rb) return ra < rb;
  const oa = opRank(a.opOrig);
  const ob = opRank(b.opOrig);
  if (oa !== ob) return oa < ob;
  return a.opOrig === 'lt' || a.opOrig === 'le' ? a.datum > b.datum : a.datum < b.datum;
}

/** Whether every action set on `tree`'s level and below it is `action` (_db_tree_act_check). */
export function actionsAll(ctx: DbContext, tree: DbNode | null, action: number, known = new Set<DbNode>()): boolean {
  if (!tree) return true;
  const head = levelHead(ctx, tree);
  // A level shared by two parents answers the same twice (the walk changes nothing).
  if (known.has(head)) return true;
  let walked = 0;
  for (let c: DbNode | null = head; c; c = nextSibling(ctx, c, ++walked)) {
    live(c);
    if (c.actTFlg && c.actT !== action) return false;
    if (c.actFFlg && c.actF !== action) return false;
    const below = (t: DbNode | null) => ctx.down(() => actionsAll(ctx, t, action, known));
    if (!below(c.nxtT) || !below(c.nxtF)) return false;
  }
  known.add(head);
  return true;
}
