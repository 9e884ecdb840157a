/**
 * libseccomp 2.5.4's merge of a new rule's chain into a syscall's tree (src/db.c
 * _db_tree_add): a node equal to an existing one is merged into it (actions and branches),
 * any other is linked into the level in sibling order. Followed as written, including:
 *  - a true action replaces the whole true branch (and a false one the false branch) when
 *    everything below already has that action, else the rule is refused (EEXIST);
 *  - two different actions on equal high-word nodes: the true action is overwritten when
 *    the new rule's 64-bit datum is the larger, and, on the false side, the TRUE action is
 *    overwritten when it is the smaller (libseccomp copies the wrong field there);
 *  - a new node joins the level where the search starts, which need not be the level's
 *    first node when two parents share the level.
 */
import { actionsAll, DbStop, get, isLeaf, live, nextSibling, sameTest, sortsBelow, type DbContext, type DbNode } from './node.js';
import { branchSlot, put, type Slot } from './refs.js';

function refused(x: DbNode): DbStop {
  return new DbStop('eexist', `libseccomp refuses the rule (EEXIST): it gives a different action where an earlier rule on argument ${x.arg} already decides`);
}

type Side = 'T' | 'F';

/** An action arriving on an equal node's `side`; returns the nodes freed. */
function mergeAction(ctx: DbContext, x: DbNode, nw: DbNode, side: Side): number {
  const [act, flg, rule, next] = side === 'T' ? (['actT', 'actTFlg', 'actTRule', 'nxtT'] as const) : (['actF', 'actFFlg', 'actFRule', 'nxtF'] as const);
  if (!nw[flg]) return 0;
  if (!x[flg]) {
    if (!actionsAll(ctx, x[next], nw[act])) throw refused(x);
    const { freed } = put(ctx, x[next]);
    x[next] = null;
    x[act] = nw[act];
    x[flg] = true;
    x[rule] = nw[rule];
    return freed;
  }
  if (nw[act] === x[act]) return 0;
  if (nw.hi && (side === 'T' ? nw.full > x.full : nw.full < x.full)) {
    x.actT = nw.actT;
    x.actTRule = nw.actTRule;
  }
  if (isLeaf(x) || isLeaf(nw)) throw refused(x);
  return 0;
}

/**
 * Branches of an equal node: merged level by level, adopted where the existing node has
 * none. Returns the nodes freed below, or undefined when the existing node already decides
 * (the rest of the new chain is then not looked at).
 */
function mergeBranch(ctx: DbContext, x: DbNode, nw: DbNode, side: Side): number | undefined {
  const [flg, next] = side === 'T' ? (['actTFlg', 'nxtT'] as const) : (['actFFlg', 'nxtF'] as const);
  const sub = nw[next];
  if (!sub) return 0;
  if (x[next]) return ctx.down(() => treeAdd(ctx, branchSlot(x, next), sub));
  if (x[flg]) return undefined;
  x[next] = get(sub);
  return 0;
}

/**
 * Merges the chain `nw` into the level `slot` points at (which must not be empty). Returns
 * the nodes freed where an action replaced a branch (libseccomp takes them off its count).
 */
export function treeAdd(ctx: DbContext, slot: Slot, nw: DbNode): number {
  let x = live(slot.read()!);
  for (let walked = 0; ; ) {
    if (sameTest(x, nw)) {
      const freed = mergeAction(ctx, x, nw, 'T') + mergeAction(ctx, x, nw, 'F');
      const t = mergeBranch(ctx, x, nw, 'T');
      if (t === undefined) return freed;
      return freed + t + (mergeBranch(ctx, x, nw, 'F') ?? 0);
    }
    if (!sortsBelow(x, nw)) {
      const after = nextSibling(ctx, x, ++walked);
      if (after) {
        x = live(after);
        continue;
      }
      nw.lvlPrv = get(x);
      x.lvlNxt = get(nw);
      return 0;
    }
    insertBefore(ctx, slot, x, nw);
    return 0;
  }
}

/** Links `nw` in front of `x`; the slot follows when it pointed at `x`. */
function insertBefore(ctx: DbContext, slot: Slot, x: DbNode, nw: DbNode): void {
  const prv = x.lvlPrv;
  if (prv) {
    // The reference prv held on x moves to nw's link, and x's on prv to nw's.
    prv.lvlNxt = get(nw);
    nw.lvlPrv = prv;
    x.lvlPrv = get(nw);
    nw.lvlNxt = x;
  } else {
    x.lvlPrv = get(nw);
    nw.lvlNxt = get(x);
  }
  if (slot.read() === x) {
    slot.write(get(nw));
    put(ctx, x);
  }
}
