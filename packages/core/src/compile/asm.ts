/**
 * A small assembler: instructions jump to labels, returns live in a shared pool at the end,
 * and `link` turns it all into classic BPF. jt/jf are 8-bit, so a conditional jump whose
 * target lies more than 255 instructions ahead gets a trampoline right after it: a copy of
 * the return when the target is one (no extra hop), else a JA (32-bit offset).
 *
 * Most programs are compiled once per process, so this code mostly runs cold, where what
 * costs is the code the engine must compile and the objects it must allocate: items are
 * small integers in one flat array (no object per instruction, and no 32-bit constant that
 * would make every read a boxed number), label state lives in typed arrays, and what only
 * some programs need (dropping reloads, trampolines) is in functions of its own.
 */
import type { Endian } from '../arch.js';
import type { SockFilter } from '../abi.js';
import { BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../bpf/opcodes.js';

export type Label = number;
/** Which part of the profile a return instruction stands for. */
export type RetSource = number | 'default' | 'badArch';

export interface Linked {
  readonly program: SockFilter[];
  /** The program in `endian` byte order, ready for seccomp(2). */
  readonly bytes: Uint8Array;
  /** pc of every return instruction → what produced it. */
  readonly provenance: Map<number, RetSource>;
}

// Item i is items[3i..3i+2]: code, a, b, and its constant is ks[i]. The code is the
// instruction's opcode, or LABEL (a: its id) or DROPPED (a load the accumulator already
// holds). A conditional jump's a and b are its labels, a JA's a is its target, a return's a
// its index in `sources`.
const LABEL = -1;
const DROPPED = -2;
const LD = BPF_LD | BPF_W | BPF_ABS;
const AND = BPF_ALU | BPF_AND | BPF_K;
const JA = BPF_JMP | BPF_JA;
const RET = BPF_RET | BPF_K;

const MAX_SHORT = 255;

export class Assembler {
  private readonly items: number[];
  private readonly ks: number[];
  private readonly sources: RetSource[];
  /** The return pool: value and source → label, and its entries in order of first use. */
  private readonly pool: Map<number, Label>;
  private readonly poolLabels: Label[];
  private readonly poolValues: number[];
  /** The offsets loaded so far: a load can only be redundant if its offset was loaded before. */
  private readonly loaded: Set<number>;
  private reloads: boolean;
  private next: number;

  constructor() {
    this.items = [];
    this.ks = [];
    this.sources = [];
    this.pool = new Map();
    this.poolLabels = [];
    this.poolValues = [];
    this.loaded = new Set();
    this.reloads = false;
    this.next = 0;
  }

  label(): Label {
    return this.next++;
  }

  place(id: Label): void {
    this.items.push(LABEL, id, 0);
    this.ks.push(0);
  }

  load(offset: number): void {
    if (this.loaded.has(offset)) this.reloads = true;
    else this.loaded.add(offset);
    this.items.push(LD, 0, 0);
    this.ks.push(offset);
  }

  and(k: number): void {
    this.items.push(AND, 0, 0);
    this.ks.push(k >>> 0);
  }

  /** `if (A op k) goto t else goto f`; op is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET. */
  branch(op: number, k: number, t: Label, f: Label): void {
    this.items.push(BPF_JMP | op | BPF_K, t, f);
    this.ks.push(k >>> 0);
  }

  goto(to: Label): void {
    this.items.push(JA, to, 0);
    this.ks.push(0);
  }

  /** The label of the pooled return of `value` for `source` (one per pair). */
  ret(value: number, source: RetSource): Label {
    const v = value >>> 0;
    // One key per pair: default 0, badArch 1, rule i i + 2, above the 32 bits of the value.
    const key = (source === 'default' ? 0 : source === 'badArch' ? 1 : source + 2) * 0x1_0000_0000 + v;
    let label = this.pool.get(key);
    if (label === undefined) {
      label = this.next++;
      this.pool.set(key, label);
      this.poolLabels.push(label);
      this.poolValues.push(v);
      this.sources.push(source);
    }
    return label;
  }

  link(endian: Endian): Linked {
    const { items, ks, poolLabels, poolValues } = this;
    if (this.reloads) dropRedundantLoads(items, ks, this.next);
    for (let i = 0; i < poolLabels.length; i++) {
      items.push(LABEL, poolLabels[i]!, 0, RET, i, 0);
      ks.push(0, poolValues[i]!);
    }
    const pcOf = new Int32Array(this.next);
    let count = 0;
    for (let i = 0; i < items.length; i += 3) {
      if (items[i] === LABEL) pcOf[items[i + 1]!] = count;
      else if (items[i]! >= 0) count++;
    }
    // The farthest jump, first instruction to last, skips count - 2.
    if (count - 2 > MAX_SHORT) return linkFar(items, ks, this.sources, pcOf, endian);
    return encode(items, ks, this.sources, pcOf, count, endian);
  }
}

const isBranch = (c: number): boolean => (c & 0x07) === BPF_JMP && c !== JA;

/** The program as it is written: instruction objects, bytes in the target's order, each return's source. */
class ProgramWriter {
  readonly program: SockFilter[];
  readonly bytes: Uint8Array;
  readonly provenance: Map<number, RetSource>;
  readonly view: DataView;
  readonly le: boolean;
  pc: number;

  // Assigned here rather than as field initializers: less code runs on a cold first call.
  constructor(count: number, endian: Endian) {
    this.program = [];
    this.bytes = new Uint8Array(count * 8);
    this.view = new DataView(this.bytes.buffer);
    this.le = endian === 'little';
    this.provenance = new Map();
    this.pc = 0;
  }

  put(code: number, jt: number, jf: number, k: number): void {
    const at = this.pc * 8;
    this.view.setUint16(at, code, this.le);
    this.view.setUint8(at + 2, jt);
    this.view.setUint8(at + 3, jf);
    this.view.setUint32(at + 4, k, this.le);
    this.program.push({ code, jt, jf, k });
    this.pc++;
  }

  ret(k: number, source: RetSource): void {
    this.provenance.set(this.pc, source);
    this.put(RET, 0, 0, k);
  }

  linked(): Linked {
    return { program: this.program, bytes: this.bytes, provenance: this.provenance };
  }
}

/** The program, its bytes and provenance, when every jump reaches its targets. */
function encode(items: readonly number[], ks: readonly number[], sources: readonly RetSource[], pcOf: Int32Array, count: number, endian: Endian): Linked {
  const w = new ProgramWriter(count, endian);
  for (let i = 0, j = 0; i < items.length; i += 3, j++) {
    const code = items[i]!;
    if (code < 0) continue;
    const pc = w.pc;
    if (code === RET) w.ret(ks[j]!, sources[items[i + 1]!]!);
    else if (code === JA) w.put(code, 0, 0, pcOf[items[i + 1]!]! - pc - 1);
    else if (isBranch(code)) w.put(code, pcOf[items[i + 1]!]! - pc - 1, pcOf[items[i + 2]!]! - pc - 1, ks[j]!);
    else w.put(code, 0, 0, ks[j]!);
  }
  return w.linked();
}

/**
 * A program long enough for far jumps: pass after pass, a jump whose target lies too far,
 * given the trampolines so far, gets one, until none is missing. A jump's trampolines sit
 * right after it, the latest pass's first (t before f in one pass).
 */
function linkFar(items: readonly number[], ks: readonly number[], sources: readonly RetSource[], pcOf: Int32Array, endian: Endian): Linked {
  const n = items.length / 3;
  const farT = new Int32Array(n);
  const farF = new Int32Array(n);
  let count = 0;
  for (let pass = 1, changed = true; changed; pass++) {
    changed = false;
    let pc = 0;
    for (let i = 0; i < n; i++) {
      if (items[3 * i] === LABEL) pcOf[items[3 * i + 1]!] = pc;
      else if (items[3 * i]! >= 0) pc += 1 + (farT[i] ? 1 : 0) + (farF[i] ? 1 : 0);
    }
    count = pc;
    pc = 0;
    for (let i = 0; i < n; i++) {
      const code = items[3 * i]!;
      if (code < 0) continue;
      if (isBranch(code)) {
        if (!farT[i] && pcOf[items[3 * i + 1]!]! - pc - 1 > MAX_SHORT) farT[i] = pass;
        if (!farF[i] && pcOf[items[3 * i + 2]!]! - pc - 1 > MAX_SHORT) farF[i] = pass;
        changed ||= farT[i] === pass || farF[i] === pass;
      }
      pc += 1 + (farT[i] && farT[i] !== pass ? 1 : 0) + (farF[i] && farF[i] !== pass ? 1 : 0);
    }
  }
  // The item each label points at: a trampoline copies a return, or jumps on with a JA.
  const landing = new Int32Array(pcOf.length);
  for (let i = n - 1, at = -1; i >= 0; i--) {
    if (items[3 * i] === LABEL) landing[items[3 * i + 1]!] = at;
    else if (items[3 * i]! >= 0) at = i;
  }
  return encodeFar(items, ks, sources, { farT, farF, pcOf, landing, count }, endian);
}

interface Far {
  /** Per item: the pass that gave its jt a trampoline (0: none); farF the same for jf. */
  readonly farT: Int32Array;
  readonly farF: Int32Array;
  /** Per label: its pc, and the item it points at. */
  readonly pcOf: Int32Array;
  readonly landing: Int32Array;
  readonly count: number;
}

/** As encode, with each trampoline written right after its jump. */
function encodeFar(items: readonly number[], ks: readonly number[], sources: readonly RetSource[], { farT, farF, pcOf, landing, count }: Far, endian: Endian): Linked {
  const w = new ProgramWriter(count, endian);
  const ret = (item: number): void => w.ret(ks[item]!, sources[items[3 * item + 1]!]!);
  const trampoline = (target: Label): void => {
    const land = landing[target]!;
    if (items[3 * land] === RET) ret(land);
    else w.put(JA, 0, 0, pcOf[target]! - w.pc - 1);
  };
  for (let i = 0; i < farT.length; i++) {
    const code = items[3 * i]!;
    if (code < 0) continue;
    if (code === RET) ret(i);
    else if (code === JA) w.put(code, 0, 0, pcOf[items[3 * i + 1]!]! - w.pc - 1);
    else if (!isBranch(code)) w.put(code, 0, 0, ks[i]!);
    else {
      const pt = farT[i]!;
      const pf = farF[i]!;
      const tFirst = pt >= pf;
      const jt = pt ? (tFirst ? 0 : 1) : pcOf[items[3 * i + 1]!]! - w.pc - 1;
      const jf = pf ? (tFirst && pt ? 1 : 0) : pcOf[items[3 * i + 2]!]! - w.pc - 1;
      w.put(code, jt, jf, ks[i]!);
      if (tFirst) {
        if (pt) trampoline(items[3 * i + 1]!);
        if (pf) trampoline(items[3 * i + 2]!);
      } else {
        trampoline(items[3 * i + 2]!);
        if (pt) trampoline(items[3 * i + 1]!);
      }
    }
  }
  return w.linked();
}

/** Accumulator states, as a load offset (>= 0) or one of these. */
const UNKNOWN = -1;
const UNREACHED = -2;
/** The accumulator holds the loaded word unmasked. */
const NO_MASK = -1;

/**
 * Drops loads (and load-and-mask pairs) whose result the accumulator already holds on every
 * path that reaches them: a rule failing on arg 0 falls into the next rule, which tests arg 0
 * again, often under the same mask. Jumps only go forward, so one pass in program order sees
 * every predecessor of a label before the label. The state is a load offset and a mask
 * (UNKNOWN when paths disagree or after two ANDs, UNREACHED when no path gets here yet).
 */
function dropRedundantLoads(items: number[], ks: readonly number[], labels: number): void {
  const inOff = new Int32Array(labels).fill(UNREACHED);
  const inMask = new Float64Array(labels);
  let off = UNKNOWN;
  let mask = NO_MASK;
  // A jump's state meets the state its target already has.
  const reach = (id: Label): void => {
    const o = inOff[id]!;
    if (o === UNREACHED) {
      inOff[id] = off;
      inMask[id] = mask;
    } else if (off !== UNREACHED && (o !== off || inMask[id] !== mask)) {
      inOff[id] = UNKNOWN;
      inMask[id] = NO_MASK;
    }
  };
  for (let i = 0, j = 0; i < items.length; i += 3, j++) {
    const code = items[i]!;
    if (code === LABEL) {
      const id = items[i + 1]!;
      const o = inOff[id]!;
      if (o === UNREACHED) continue;
      if (off === UNREACHED) {
        off = o;
        mask = inMask[id]!;
      } else if (o !== off || inMask[id] !== mask) {
        off = UNKNOWN;
        mask = NO_MASK;
      }
    } else if (code === LD) {
      const at = ks[j]!;
      if (off === at && items[i + 3] === AND && mask === ks[j + 1]) {
        items[i] = DROPPED;
        items[i + 3] = DROPPED;
        i += 3;
        j++;
      } else if (off === at && mask === NO_MASK) {
        items[i] = DROPPED;
      } else {
        off = at;
        mask = NO_MASK;
      }
    } else if (code === AND) {
      if (off >= 0 && mask === NO_MASK) {
        mask = ks[j]!;
      } else {
        off = UNKNOWN;
        mask = NO_MASK;
      }
    } else {
      if (code === JA) reach(items[i + 1]!);
      else if (code !== RET) {
        reach(items[i + 1]!);
        reach(items[i + 2]!);
      }
      off = UNREACHED;
      mask = NO_MASK;
    }
  }
}
