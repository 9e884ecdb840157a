/**
 * libseccomp 2.5.4's pruning pass (src/db.c _db_tree_prune), run before a new rule's chain
 * is merged: it walks the existing tree alongside the new chain and removes the parts the
 * new rule makes redundant, or reports (through flags) that the new rule is redundant itself.
 * The flags and the order of its checks are followed as written; they decide, for instance,
 * that a shorter rule with the same action replaces a longer one only in some layouts.
 */
import { actionsAll, get, isLeaf, levelHead, live, sameTest, sortsBelow, stepAlong, type DbContext, type DbNode } from './node.js';
import { put, treeRemove, type Slot } from './refs.js';

export const MATCH = 0x1;
export const MATCH_ONCE = 0x2;
export const X_FINISHED = 0x10;
export const N_FINISHED = 0x20;
export const X_PREFIX = 0x100;
export const N_PREFIX = 0x200;
const MATCHSET = MATCH | MATCH_ONCE;
/** The existing tree already covers the new rule: it is dropped. */
export const REDUNDANT = MATCH | X_FINISHED | N_PREFIX;

export interface PruneState {
  flags: number;
  /** The new rule's action. */
  readonly action: number;
  /** The syscall's root, which removals restart from. */
  readonly root: Slot;
  /**
   * Walks that freed and changed nothing: (level, new node, flags) → the flags they left, at
   * the tree's version then. One map per rule added, shared by every nested walk.
   */
  readonly seen: Map<string, { readonly version: number; readonly flags: number }>;
}

/** Returns the number of nodes freed; `state.flags` tells the caller what matched. */
export function prune(ctx: DbContext, existing: DbNode | null, nw: DbNode | null, state: PruneState): number {
  let freed = 0;
  const mine = { ...state };
  const done = (): number => {
    if (mine.flags & MATCH) state.flags |= mine.flags;
    else state.flags &= ~MATCH;
    return freed;
  };
  if (!nw || !existing) return done();
  // A match broken further up: nothing below can be pruned.
  if ((state.flags & MATCHSET) === MATCH_ONCE) return done();
  const first = levelHead(ctx, existing);
  const key = `${first.id}|${nw.id}|${state.flags}`;
  const seen = state.seen.get(key);
  if (seen && seen.version === ctx.version) {
    state.flags = seen.flags;
    return 0;
  }
  const version = ctx.version;
  const remember = (): number => {
    const n = done();
    if (n === 0 && ctx.version === version) state.seen.set(key, { version, flags: state.flags });
    return n;
  };
  const sub = (at: DbNode | null, n: DbNode | null, set: number, clear: number): PruneState => {
    const s = { ...state, flags: (state.flags & ~clear) | set };
    freed += ctx.down(() => prune(ctx, at, n, s));
    return s;
  };
  // The recursion may free `x`; libseccomp holds a reference across it, then moves on to
  // where the released pointer lands (a sibling, or nothing).
  const around = (x: DbNode, step: () => PruneState): { x: DbNode | null; s: PruneState } => {
    get(x);
    const s = step();
    const r = put(ctx, x);
    freed += r.freed;
    return { x: r.at, s };
  };
  let walked = 0;
  let x: DbNode | null = first;
  do {
    live(x);
    const after: DbNode | null = x.lvlNxt;
    visit: {
      if (sameTest(x, nw)) {
        mine.flags |= MATCHSET;
        if (isLeaf(nw)) mine.flags |= N_FINISHED;
        if (isLeaf(x)) mine.flags |= X_FINISHED;
        // The existing node decides more than the new one: keep it.
        if ((x.actTFlg || x.nxtT) && !(nw.actTFlg || nw.nxtT)) return remember();
        if ((x.actFFlg || x.nxtF) && !(nw.actFFlg || nw.nxtF)) return remember();
        if (mine.flags & N_FINISHED && mine.flags & X_FINISHED) {
          if (nw.actTFlg !== x.actTFlg || nw.actT !== x.actT) return remember();
          if (nw.actFFlg !== x.actFFlg || nw.actF !== x.actF) return remember();
        }
        for (const side of ['nxtT', 'nxtF'] as const) {
          const next = nw[side];
          if (!next) continue;
          const at: DbNode = x;
          const r = around(at, () => sub(at[side], next, MATCHSET, 0));
          if (r.s.flags & MATCH) mine.flags |= r.s.flags;
          x = r.x;
          if (!x) break visit;
        }
        const same = actionsAll(ctx, x, mine.action);
        if (same && mine.flags & MATCH && mine.flags & N_FINISHED && mine.flags & X_PREFIX) {
          // The new rule is shorter: the existing branch goes.
          freed += treeRemove(ctx, state.root, x);
          if (!state.root.read()) return remember();
        } else if (same && mine.flags & MATCH && mine.flags & X_FINISHED && mine.flags & N_PREFIX) {
          // The new rule is longer and the existing one already decides it.
          return remember();
        }
      } else if (sortsBelow(x, nw)) {
        // Look for the new node further down the existing tree.
        if (state.flags & N_PREFIX) return remember();
        for (const side of ['nxtT', 'nxtF'] as const) {
          if (!x[side]) continue;
          const at: DbNode = x;
          const r = around(at, () => sub(at[side], nw, X_PREFIX, MATCH));
          if (r.s.flags & MATCH) {
            mine.flags |= r.s.flags;
            return remember();
          }
          x = r.x;
          if (!x) break visit;
        }
      } else {
        // Look for the existing node further down the new chain.
        if (state.flags & X_PREFIX) return remember();
        for (const side of ['nxtT', 'nxtF'] as const) {
          const next = nw[side];
          if (!next) continue;
          const at: DbNode = x;
          const r = around(at, () => sub(at, next, N_PREFIX, MATCH));
          if (r.s.flags & MATCH) {
            mine.flags |= r.s.flags;
            return remember();
          }
          x = r.x;
          if (!x) break visit;
        }
      }
    }
    stepAlong(ctx, ++walked);
    x = after;
  } while (x);
  mine.flags &= ~MATCH;
  return remember();
}
