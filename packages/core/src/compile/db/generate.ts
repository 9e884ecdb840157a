/**
 * How libseccomp 2.5.4's BPF generator (src/gen_bpf.c) turns a merged tree into code, as a
 * graph of blocks the compiler then lays out itself:
 *  - a level is tried node by node, first to last; an exit with neither a branch nor an
 *    action falls to the next node, and the last node's to where the level was entered from
 *    (the next node of the parent's level, or the syscall's default) — _gen_bpf_chain;
 *  - each node loads its argument word unless the generator believes the accumulator holds
 *    it (and masks it). The belief is the previous node on the level, or the parent for a
 *    level's first node — _gen_bpf_node. Blocks with equal code, belief and exits are one
 *    block (its hash table);
 *  - at layout, blocks are pulled in depth first (true exit before false) and a block that
 *    relies on the accumulator gets a load put in front when the block that pulls it in
 *    ends believing something else — _gen_bpf_build_bpf. Other ways into the block keep
 *    whatever they hold: when a level's next node is reached by falling out of a branch
 *    that loaded another word, libseccomp compares that stale word, and so does this graph.
 */
import type { Endian } from '../../arch.js';
import { BPF_MAXINSNS } from '../../bpf/opcodes.js';
import type { DbContext, DbNode, NodeOp } from './node.js';
import { DbStop, levelHead, nextSibling } from './node.js';

/** Where a block's exit goes. */
export type Target =
  | { readonly block: number }
  | { readonly action: number; readonly rule: number }
  | 'default';

/** What the accumulator holds: the word at a seccomp_data offset, masked. */
export interface Acc {
  readonly offset: number;
  readonly mask: number;
}

export interface GenBlock {
  readonly id: number;
  /** The word the node compares, and its mask. */
  readonly offset: number;
  readonly mask: number;
  readonly op: NodeOp;
  readonly datum: number;
  /** What the generator believes the accumulator holds on entry; undefined when it loads. */
  readonly belief: Acc | undefined;
  readonly t: Target;
  readonly f: Target;
  /** A stable digest of the block and all it leads to (libseccomp shares equal blocks across syscalls). */
  readonly digest: string;
}

/** The blocks of one syscall, reachable from `entry`. */
export interface GenGraph {
  readonly blocks: readonly GenBlock[];
  readonly entry: number;
  /** libseccomp's node count for the syscall's tree, which orders syscalls in its layout. */
  readonly nodes: number;
}

export interface GenProgram {
  readonly graph: GenGraph;
  /** In an order where every jump goes forward; the first is the syscall's entry. */
  readonly blocks: readonly GenBlock[];
  /** Per block: load (and mask) before comparing; libseccomp's decision at layout. */
  readonly loads: ReadonlyMap<number, boolean>;
  /** Whether the verdicts depend on which block libseccomp's layout pulls each block in from. */
  readonly exposed: boolean;
}

const MAX_BLOCKS = BPF_MAXINSNS;
const accKey = (a: Acc | undefined): string => (a ? `${a.offset}:${a.mask}` : '-');
const sameAcc = (a: Acc, b: Acc): boolean => a.offset === b.offset && a.mask === b.mask;
const targetKey = (t: Target, blocks: readonly GenBlock[]): string =>
  t === 'default' ? 'd' : 'block' in t ? blocks[t.block]!.digest : `r${t.action >>> 0}`;

/** A 52-bit FNV-1a digest: equal content gives an equal digest (a collision only costs a refusal). */
function digestOf(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xfffffffffffffn;
  return h.toString(36);
}

class Generator {
  readonly blocks: GenBlock[] = [];
  private readonly shared = new Map<string, number>();
  private readonly levels = new Map<string, Target>();
  private readonly open = new Set<string>();

  constructor(private readonly ctx: DbContext, private readonly offsetOf: (n: DbNode) => number) {}

  /** The level holding `at`, entered believing `belief`, falling out to `out`. */
  level(at: DbNode, out: Target, belief: Acc | undefined): Target {
    const head = levelHead(this.ctx, at);
    const key = `${head.id}|${targetKey(out, this.blocks)}|${accKey(belief)}`;
    const known = this.levels.get(key);
    if (known) return known;
    if (this.open.has(key)) throw new DbStop('libseccompLoops', 'a branch of libseccomp\'s tree leads back into itself; its generator would never finish');
    this.open.add(key);
    const nodes: DbNode[] = [];
    for (let n: DbNode | null = head, walked = 0; n; n = nextSibling(this.ctx, n, ++walked)) nodes.push(n);
    // After a node the generator believes its word and mask are held, whatever came before.
    let next = out;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const prev = nodes[i - 1];
      next = this.node(nodes[i]!, prev ? { offset: this.offsetOf(prev), mask: prev.mask } : belief, next);
    }
    this.open.delete(key);
    this.levels.set(key, next);
    return next;
  }

  private node(n: DbNode, before: Acc | undefined, next: Target): Target {
    this.ctx.tick();
    const offset = this.offsetOf(n);
    const reuse = before !== undefined && before.offset === offset && (n.mask & before.mask) >>> 0 === n.mask;
    const held: Acc = { offset, mask: n.mask };
    const exit = (branch: DbNode | null, flg: boolean, action: number, rule: number | undefined): Target => {
      if (branch) return this.ctx.down(() => this.level(branch, next, held));
      if (!flg) return next;
      if (rule === undefined) throw new DbStop('lostAction', `libseccomp's program would return ${action >>> 0}, a value it copied into the wrong field, not any rule's action`);
      return { action, rule };
    };
    const t = exit(n.nxtT, n.actTFlg, n.actT, n.actTRule);
    const f = exit(n.nxtF, n.actFFlg, n.actF, n.actFRule);
    const belief = reuse ? before : undefined;
    const content = `${offset}|${n.op}|${n.datum}|${n.mask}|${accKey(belief)}|${targetKey(t, this.blocks)}|${targetKey(f, this.blocks)}`;
    const digest = digestOf(content);
    const known = this.shared.get(digest);
    if (known !== undefined) return { block: known };
    const id = this.blocks.length;
    // Each block is at least one instruction: past the kernel's limit there is no program.
    if (id >= MAX_BLOCKS) throw new DbStop('tooLong', `libseccomp's code for these rules takes more than ${MAX_BLOCKS} instructions`);
    this.blocks.push({ id, offset, mask: n.mask, op: n.op, datum: n.datum, belief, t, f, digest });
    this.shared.set(digest, id);
    return { block: id };
  }
}

const blockTargets = (b: GenBlock): number[] =>
  [b.t, b.f].flatMap((t) => (t !== 'default' && 'block' in t ? [t.block] : []));

/** What the syscall's own block leaves in the accumulator: the syscall number. */
const NR: Acc = { offset: 0, mask: 0xffffffff };

/**
 * libseccomp's layout pulls blocks in depth first, true exit before false, starting from
 * each syscall's block in turn; a block is pulled once, by the first block that reaches it.
 * `graphs` come in the order libseccomp starts from them (blocks are identified by digest,
 * as libseccomp shares equal blocks). Returns, per block digest, what its puller leaves in
 * the accumulator.
 */
export function pullers(graphs: readonly GenGraph[]): Map<string, Acc> {
  const ends = new Map<string, Acc>();
  for (const { blocks, entry } of graphs) {
    const first = blocks[entry]!;
    if (ends.has(first.digest)) continue;
    ends.set(first.digest, NR);
    const stack: { b: GenBlock; exits: number[] }[] = [{ b: first, exits: blockTargets(first) }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const next = top.exits.shift();
      if (next === undefined) {
        stack.pop();
        continue;
      }
      const b = blocks[next]!;
      if (ends.has(b.digest)) continue;
      ends.set(b.digest, { offset: top.b.offset, mask: top.b.mask });
      stack.push({ b, exits: blockTargets(b) });
    }
  }
  return ends;
}

/** Blocks reachable from the entry in an order where every jump goes forward. */
function forwardOrder(graph: GenGraph): GenBlock[] {
  const { blocks, entry } = graph;
  const seen = new Set<number>([entry]);
  const post: GenBlock[] = [];
  const stack: { b: GenBlock; exits: number[] }[] = [{ b: blocks[entry]!, exits: blockTargets(blocks[entry]!) }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const next = top.exits.shift();
    if (next === undefined) {
      post.push(top.b);
      stack.pop();
    } else if (!seen.has(next)) {
      seen.add(next);
      stack.push({ b: blocks[next]!, exits: blockTargets(blocks[next]!) });
    }
  }
  return post.reverse();
}

/**
 * Whether some block relies on the accumulator while a way into it may bring another word
 * (assuming no load is ever put in front): then the verdicts depend on the layout.
 */
function isExposed(order: readonly GenBlock[]): boolean {
  const arriving = new Map<number, Map<string, Acc>>();
  for (const b of order) {
    const into = [...(arriving.get(b.id) ?? new Map<string, Acc>()).values()];
    if (b.belief && into.some((a) => !sameAcc(a, b.belief!))) return true;
    const masks = b.belief !== undefined && b.mask !== b.belief.mask;
    const leaving: Acc[] = b.belief ? into.map((a) => (masks ? { offset: a.offset, mask: (a.mask & b.mask) >>> 0 } : a)) : [{ offset: b.offset, mask: b.mask }];
    for (const t of blockTargets(b)) {
      const m = arriving.get(t) ?? new Map<string, Acc>();
      for (const a of leaving) m.set(accKey(a), a);
      arriving.set(t, m);
    }
  }
  return false;
}

/** The syscall's blocks as libseccomp generates them from the tree at `root`. */
export function generateGraph(root: DbNode, ctx: DbContext, offsetOf: (n: DbNode) => number, nodes: number): GenGraph {
  const gen = new Generator(ctx, offsetOf);
  const entry = gen.level(root, 'default', undefined);
  if (entry === 'default' || !('block' in entry)) throw new Error('a merged tree always starts with a test');
  return { blocks: gen.blocks, entry: entry.block, nodes };
}

/** The program with libseccomp's load decisions, given what each block's puller leaves. */
export function layOut(graph: GenGraph, pulled: ReadonlyMap<string, Acc> = pullers([graph])): GenProgram {
  const order = forwardOrder(graph);
  const loads = new Map<number, boolean>();
  for (const b of order) {
    const from = pulled.get(b.digest);
    loads.set(b.id, !b.belief || !from || !sameAcc(from, b.belief));
  }
  return { graph, blocks: order, loads, exposed: isExposed(order) };
}

/** Word offsets of a node on an arch: a 32-bit arch has only the low word. */
export function nodeOffset(endian: Endian): (n: DbNode) => number {
  return (n) => 16 + 8 * n.arg + ((endian === 'little') === n.hi ? 4 : 0);
}
