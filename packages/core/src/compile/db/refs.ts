/**
 * libseccomp's reference counting on tree nodes (src/db.c: _db_node_put, _db_tree_put,
 * _db_level_clean, _db_tree_remove). Counts decide when a node is freed, and freeing relinks
 * its siblings, so they shape the tree that survives a merge: they are followed exactly,
 * including the places where a count no longer matches the links (a removed node keeps the
 * references its old siblings held).
 */
import { DbStop, get, isZombie, levelHead, live, nextSibling, type DbContext, type DbNode } from './node.js';

/** A pointer libseccomp updates in place: a syscall's root, or a node's true/false branch. */
export interface Slot {
  read(): DbNode | null;
  write(n: DbNode | null): void;
}

export const branchSlot = (n: DbNode, side: 'nxtT' | 'nxtF'): Slot => ({
  read: () => n[side],
  write: (v) => { n[side] = v; },
});

export interface PutResult {
  /** Nodes freed. */
  readonly freed: number;
  /** Where the caller's pointer now points: a sibling of a freed node, or the node itself. */
  readonly at: DbNode | null;
}

/**
 * Drops one reference. At zero the node is freed: its siblings are relinked around it (each
 * losing the reference the node held), and its branches are released as whole trees.
 */
export function put(ctx: DbContext, n: DbNode | null): PutResult {
  if (!n) return { freed: 0, at: null };
  ctx.tick();
  if (--live(n).refs !== 0) return { freed: 0, at: n };
  let prv = n.lvlPrv;
  let nxt = n.lvlNxt;
  const { nxtT, nxtF } = n;
  if (prv) prv.lvlNxt = null;
  if (nxt) nxt.lvlPrv = null;
  let freed = 0;
  // The node's own links held a reference on each sibling; a freed sibling hands on its place.
  if (prv) {
    const r = ctx.down(() => put(ctx, prv));
    freed += r.freed;
    prv = r.at;
  }
  if (nxt) {
    const r = ctx.down(() => put(ctx, nxt));
    freed += r.freed;
    nxt = r.at;
  }
  if (prv) prv.lvlNxt = get(nxt);
  if (nxt) nxt.lvlPrv = get(prv);
  freed += ctx.down(() => treePut(ctx, nxtT)).freed;
  freed += ctx.down(() => treePut(ctx, nxtF)).freed;
  n.freed = true;
  ctx.changed();
  return { freed: freed + 1, at: prv ?? nxt };
}

/** Drops a reference to a tree, then frees its top level if nothing else points into it. */
export function treePut(ctx: DbContext, tree: DbNode | null): PutResult {
  const r = put(ctx, tree);
  return r.at ? { freed: r.freed + levelClean(ctx, r.at), at: r.at } : r;
}

/** Frees a whole level when every reference to its nodes is a sibling link. */
function levelClean(ctx: DbContext, node: DbNode): number {
  const start = levelHead(ctx, node);
  let walked = 0;
  for (let n: DbNode | null = start; n; n = nextSibling(ctx, n, ++walked)) {
    const links = (n.lvlPrv ? 1 : 0) + (n.lvlNxt ? 1 : 0);
    if (live(n).refs > links) return 0;
  }
  let freed = 0;
  for (let n: DbNode | null = start; n;) {
    const r = put(ctx, n);
    // A node that survives its put would be put again forever (libseccomp spins there).
    if (r.at === n) throw new DbStop('libseccompLoops', 'libseccomp would release a level whose references never reach zero');
    freed += r.freed;
    n = r.at;
  }
  return freed;
}

/**
 * Removes `node` from the tree under `slot` (searching every level, depth first), dropping
 * on the way any node left without branches or actions. Stops at the first level where
 * something was freed. Returns the number of nodes freed, which can be 0 even when the node
 * was unlinked: it keeps the references its former siblings held.
 */
export function treeRemove(ctx: DbContext, slot: Slot, node: DbNode, clean = new Map<DbNode, number>()): number {
  const top = slot.read();
  if (!top) return 0;
  const head = levelHead(ctx, top);
  // A shared level searched before, with nothing changed since, holds nothing to remove.
  if (clean.get(head) === ctx.version) return 0;
  const version = ctx.version;
  let freed = 0;
  let walked = 0;
  for (let c: DbNode | null = head; c; c = freed === 0 ? nextSibling(ctx, c, ++walked) : null) {
    if (c === node) return freed + unlink(ctx, slot, c);
    const at = c;
    freed += ctx.down(() => treeRemove(ctx, branchSlot(at, 'nxtT'), node, clean));
    freed += ctx.down(() => treeRemove(ctx, branchSlot(at, 'nxtF'), node, clean));
    if (isZombie(c)) return freed + unlink(ctx, slot, c);
  }
  if (freed === 0 && ctx.version === version) clean.set(head, version);
  return freed;
}

/** Takes `c` out of its level (the slot moves to a sibling if it pointed at `c`) and puts it. */
function unlink(ctx: DbContext, slot: Slot, c: DbNode): number {
  ctx.changed();
  if (slot.read() === c) slot.write(c.lvlPrv ?? c.lvlNxt);
  if (c.lvlPrv) c.lvlPrv.lvlNxt = c.lvlNxt;
  if (c.lvlNxt) c.lvlNxt.lvlPrv = c.lvlPrv;
  c.lvlPrv = null;
  c.lvlNxt = null;
  return put(ctx, c).freed;
}
