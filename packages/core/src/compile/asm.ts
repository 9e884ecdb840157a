/**
 * A small assembler: instructions jump to labels, returns live in a shared pool at the end,
 * and `link` turns it all into classic BPF. jt/jf are 8-bit, so a conditional jump whose
 * target lies more than 255 instructions ahead gets a trampoline right after it: a copy of
 * the return when the target is one (no extra hop), else a JA (32-bit offset).
 */
import type { SockFilter } from '../abi.js';
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, jump, stmt,
} from '../bpf/opcodes.js';

export type Label = number;
/** Which part of the profile a return instruction stands for. */
export type RetSource = number | 'default' | 'badArch';

type Item =
  | { readonly kind: 'label'; readonly id: Label }
  | { readonly kind: 'ld'; readonly k: number }
  | { readonly kind: 'and'; readonly k: number }
  | { kind: 'jmp'; readonly op: number; readonly k: number; t: Label; f: Label }
  | { readonly kind: 'ja'; readonly to: Label }
  | { readonly kind: 'ret'; readonly k: number; readonly source: RetSource };

type Ret = Extract<Item, { kind: 'ret' }>;

export interface Linked {
  readonly program: SockFilter[];
  /** pc of every return instruction → what produced it. */
  readonly provenance: Map<number, RetSource>;
}

const MAX_SHORT = 255;

export class Assembler {
  private readonly items: Item[] = [];
  private readonly pool = new Map<string, { label: Label; ret: Ret }>();
  private next = 0;

  label(): Label {
    return this.next++;
  }

  place(id: Label): void {
    this.items.push({ kind: 'label', id });
  }

  load(offset: number): void {
    this.items.push({ kind: 'ld', k: offset });
  }

  and(k: number): void {
    this.items.push({ kind: 'and', k: k >>> 0 });
  }

  /** `if (A op k) goto t else goto f`; op is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET. */
  branch(op: number, k: number, t: Label, f: Label): void {
    this.items.push({ kind: 'jmp', op, k: k >>> 0, t, f });
  }

  goto(to: Label): void {
    this.items.push({ kind: 'ja', to });
  }

  /** The label of the pooled return of `value` for `source` (one per pair). */
  ret(value: number, source: RetSource): Label {
    const key = `${value >>> 0}:${String(source)}`;
    let entry = this.pool.get(key);
    if (!entry) {
      entry = { label: this.label(), ret: { kind: 'ret', k: value >>> 0, source } };
      this.pool.set(key, entry);
    }
    return entry.label;
  }

  link(): Linked {
    const items = dropRedundantLoads(this.items);
    for (const { label, ret } of this.pool.values()) items.push({ kind: 'label', id: label }, ret);
    while (fixFarJumps(items, this)) { /* until every conditional jump reaches its targets */ }
    return encode(items);
  }
}

/**
 * What the accumulator holds: a word loaded from seccomp_data (`ld:<offset>`), maybe ANDed
 * with a mask (`ld:<offset>&<mask>`); 'unknown' (paths disagree, or two ANDs), or
 * 'unreached' (no path gets here yet).
 */
type AccState = string;
const UNKNOWN = 'unknown';
const UNREACHED = 'unreached';

function meet(a: AccState, b: AccState): AccState {
  if (a === UNREACHED) return b;
  if (b === UNREACHED) return a;
  return a === b ? a : UNKNOWN;
}

/**
 * Removes loads (and load-and-mask pairs) whose result the accumulator already holds on every
 * path that reaches them: a rule failing on arg 0 falls into the next rule, which tests arg 0
 * again, often under the same mask. Jumps only go forward, so one pass in program order sees
 * every predecessor of a label before the label.
 */
function dropRedundantLoads(items: readonly Item[]): Item[] {
  const atLabel = new Map<Label, AccState>();
  const reach = (id: Label, state: AccState) => atLabel.set(id, meet(atLabel.get(id) ?? UNREACHED, state));
  const out: Item[] = [];
  let acc: AccState = UNKNOWN;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    switch (item.kind) {
      case 'label': acc = meet(acc, atLabel.get(item.id) ?? UNREACHED); break;
      case 'ld': {
        const next = items[i + 1];
        if (next?.kind === 'and' && acc === `ld:${item.k}&${next.k}`) {
          i++;
          continue;
        }
        if (acc === `ld:${item.k}`) continue;
        acc = `ld:${item.k}`;
        break;
      }
      case 'and': acc = acc.startsWith('ld:') && !acc.includes('&') ? `${acc}&${item.k}` : UNKNOWN; break;
      case 'jmp':
        reach(item.t, acc);
        reach(item.f, acc);
        acc = UNREACHED;
        break;
      case 'ja':
        reach(item.to, acc);
        acc = UNREACHED;
        break;
      case 'ret': acc = UNREACHED; break;
    }
    out.push(item);
  }
  return out;
}

/** Label → pc, and the instruction each label points at. */
function layout(items: readonly Item[]): { pcOf: Map<Label, number>; atLabel: Map<Label, Item> } {
  const pcOf = new Map<Label, number>();
  const atLabel = new Map<Label, Item>();
  const pending: Label[] = [];
  let pc = 0;
  for (const item of items) {
    if (item.kind === 'label') {
      pcOf.set(item.id, pc);
      pending.push(item.id);
      continue;
    }
    for (const id of pending) atLabel.set(id, item);
    pending.length = 0;
    pc++;
  }
  return { pcOf, atLabel };
}

/** One pass of trampoline insertion; true when anything was inserted. */
function fixFarJumps(items: Item[], asm: Assembler): boolean {
  const { pcOf, atLabel } = layout(items);
  const out: Item[] = [];
  let changed = false;
  let pc = 0;
  for (const item of items) {
    out.push(item);
    if (item.kind === 'label') continue;
    const here = pc++;
    if (item.kind !== 'jmp') continue;
    for (const side of ['t', 'f'] as const) {
      const target = item[side];
      if (pcOf.get(target)! - here - 1 <= MAX_SHORT) continue;
      const hop = asm.label();
      const landing = atLabel.get(target)!;
      out.push({ kind: 'label', id: hop }, landing.kind === 'ret' ? landing : { kind: 'ja', to: target });
      item[side] = hop;
      changed = true;
    }
  }
  items.splice(0, items.length, ...out);
  return changed;
}

function encode(items: readonly Item[]): Linked {
  const { pcOf } = layout(items);
  const program: SockFilter[] = [];
  const provenance = new Map<number, RetSource>();
  for (const item of items) {
    const pc = program.length;
    const rel = (id: Label) => pcOf.get(id)! - pc - 1;
    switch (item.kind) {
      case 'label': continue;
      case 'ld': program.push(stmt(BPF_LD | BPF_W | BPF_ABS, item.k)); break;
      case 'and': program.push(stmt(BPF_ALU | BPF_AND | BPF_K, item.k)); break;
      case 'jmp': program.push(jump(BPF_JMP | item.op | BPF_K, item.k, rel(item.t), rel(item.f))); break;
      case 'ja': program.push(stmt(BPF_JMP | BPF_JA, rel(item.to))); break;
      case 'ret':
        provenance.set(pc, item.source);
        program.push(stmt(BPF_RET | BPF_K, item.k));
        break;
    }
  }
  return { program, provenance };
}
