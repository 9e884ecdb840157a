/**
 * libseccomp 2.5.4's db_rule_add for one syscall on one arch (src/db.c): each rule's chain is
 * pruned against, then merged into, the syscall's tree; a rule without conditions replaces
 * the tree, and once the syscall has no tree later rules are dropped. The result is the tree
 * libseccomp's BPF generator walks, or the action of a syscall without one.
 */
import type { Bits } from '../conditions.js';
import { makeChain, type Chain, type ChainRule } from './chain.js';
import { DbContext, DbStop, type DbNode } from './node.js';
import { prune, REDUNDANT, type PruneState } from './prune.js';
import { treeAdd } from './add.js';
import { treePut, type Slot } from './refs.js';

export type Merged =
  | { readonly kind: 'tree'; readonly root: DbNode; readonly ctx: DbContext; readonly nodes: number }
  | { readonly kind: 'action'; readonly action: number; readonly rule: number; readonly nodes: number };

/**
 * Steps the merge (and the generator after it) may take: generous for real profiles (a few
 * hundred steps per rule), linear in the number of rules, and capped, so that no syscall
 * takes more than about a second.
 */
const BASE_STEPS = 20_000;
const STEPS_PER_RULE = 2_000;
const MAX_STEPS = 1_000_000;

interface Entry {
  chains: DbNode | null;
  action: number;
  rule: number;
  /** libseccomp's node count (node_cnt): kept as it keeps it, which is not always exact. */
  nodes: number;
}

export class MergeStopped extends Error {
  constructor(
    readonly stop: DbStop,
    /** Index in the rules given of the one being added when the model stopped. */
    readonly at: number,
  ) {
    super(stop.message);
  }
}

/** Adds the rules in order; throws MergeStopped where libseccomp fails or does the undefined. */
export function mergeRules(rules: readonly ChainRule[], bits: Bits): Merged {
  const ctx = new DbContext(Math.min(BASE_STEPS + STEPS_PER_RULE * rules.length, MAX_STEPS));
  let entry: Entry | undefined;
  rules.forEach((r, at) => {
    try {
      const chain = makeChain(ctx, r, bits);
      if (!entry) entry = { chains: chain.root, action: r.action, rule: r.rule, nodes: chain.nodes };
      else addToEntry(ctx, entry, r, chain);
    } catch (err) {
      if (err instanceof DbStop) throw new MergeStopped(err, at);
      throw err;
    }
  });
  const e = entry!;
  return e.chains ? { kind: 'tree', root: e.chains, ctx, nodes: e.nodes } : { kind: 'action', action: e.action, rule: e.rule, nodes: e.nodes };
}

function addToEntry(ctx: DbContext, e: Entry, r: ChainRule, chain: Chain): void {
  const root: Slot = { read: () => e.chains, write: (n) => { e.chains = n; } };
  const nw = chain.root;
  for (let pruned = false; ;) {
    if (!e.chains) {
      // Either the syscall's action stands (the new rule is dropped), or pruning emptied it.
      if (pruned) Object.assign(e, { chains: nw, action: r.action, rule: r.rule, nodes: chain.nodes });
      else treePut(ctx, nw);
      return;
    }
    if (!nw) {
      treePut(ctx, e.chains);
      Object.assign(e, { chains: null, action: r.action, rule: r.rule, nodes: 0 });
      return;
    }
    const state: PruneState = { flags: 0, action: r.action, root, seen: new Map() };
    const freed = prune(ctx, e.chains, nw, state);
    if (freed > 0) {
      pruned = true;
      e.nodes -= freed;
      if (!e.chains) continue;
    } else if ((state.flags & REDUNDANT) === REDUNDANT) {
      treePut(ctx, nw);
      return;
    }
    e.nodes -= treeAdd(ctx, root, nw);
    e.nodes += chain.nodes - treePut(ctx, nw).freed;
    return;
  }
}
