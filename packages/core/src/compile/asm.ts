/**
 * A small assembler: instructions jump to labels, returns live in a shared pool at the end,
 * and `link` turns it all into classic BPF. jt/jf are 8-bit, so a conditional jump whose
 * target lies more than 255 instructions ahead gets a trampoline right after it: a copy of
 * the return when the target is one (no extra hop), else a JA (32-bit offset).
 *
 * Most programs are compiled once per process, so this code runs cold: items live in flat
 * number arrays (no object per instruction), label state in typed arrays indexed by label,
 * and linking is three linear passes.
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

// An item's code is its instruction's BPF opcode, or one of these (never an opcode).
const LABEL = -1;
/** A load the accumulator already holds, dropped by `link`. */
const DROPPED = -2;
const LD = BPF_LD | BPF_W | BPF_ABS;
const AND = BPF_ALU | BPF_AND | BPF_K;
const JA = BPF_JMP | BPF_JA;
const RET = BPF_RET | BPF_K;

const MAX_SHORT = 255;

/** Accumulator states, as a load offset (>= 0) or one of these. */
const UNKNOWN = -1;
const UNREACHED = -2;
/** The accumulator holds the loaded word unmasked. */
const NO_MASK = -1;

/** sourceKey(default) = 0, badArch = 1, rule i = i + 2: with the value, one number per pool key. */
const sourceKey = (source: RetSource): number => (source === 'default' ? 0 : source === 'badArch' ? 1 : source + 2);

export class Assembler {
  // Item i: code[i] (opcode, LABEL or DROPPED) and k[i]: the instruction's k, a label's id,
  // a JA's target label. Conditional jumps: t[i] and f[i], their labels; a return: t[i],
  // its index in `sources`.
  private readonly code: number[] = [];
  private readonly k: number[] = [];
  private readonly t: number[] = [];
  private readonly f: number[] = [];
  private readonly sources: RetSource[] = [];
  // The return pool: its labels, values and sources, in order of first use.
  private readonly poolLabels: Label[] = [];
  private readonly poolValues: number[] = [];
  private readonly pool = new Map<number, Label>();
  // The last pooled return asked for: runs of syscalls with one rule ask for the same one.
  private lastValue = -1;
  private lastSource: RetSource | undefined;
  private lastLabel: Label = -1;
  private next = 0;
  // The offsets loaded so far: a load can only be redundant if its offset was loaded before.
  private readonly loaded = new Set<number>();
  private reloads = false;

  label(): Label {
    return this.next++;
  }

  private push(code: number, k: number, t: number, f: number): void {
    this.code.push(code);
    this.k.push(k);
    this.t.push(t);
    this.f.push(f);
  }

  place(id: Label): void {
    this.push(LABEL, id, 0, 0);
  }

  load(offset: number): void {
    if (this.loaded.has(offset)) this.reloads = true;
    else this.loaded.add(offset);
    this.push(LD, offset, 0, 0);
  }

  and(k: number): void {
    this.push(AND, k >>> 0, 0, 0);
  }

  /** `if (A op k) goto t else goto f`; op is BPF_JEQ, BPF_JGT, BPF_JGE or BPF_JSET. */
  branch(op: number, k: number, t: Label, f: Label): void {
    this.push(BPF_JMP | op | BPF_K, k >>> 0, t, f);
  }

  goto(to: Label): void {
    this.push(JA, to, 0, 0);
  }

  /** The label of the pooled return of `value` for `source` (one per pair). */
  ret(value: number, source: RetSource): Label {
    const v = value >>> 0;
    if (v === this.lastValue && source === this.lastSource) return this.lastLabel;
    const key = sourceKey(source) * 0x1_0000_0000 + v;
    let label = this.pool.get(key);
    if (label === undefined) {
      label = this.label();
      this.pool.set(key, label);
      this.poolLabels.push(label);
      this.poolValues.push(v);
      this.sources.push(source);
    }
    this.lastValue = v;
    this.lastSource = source;
    this.lastLabel = label;
    return label;
  }

  link(endian: Endian): Linked {
    if (this.reloads) dropRedundantLoads(this.code, this.k, this.t, this.f, this.next);
    this.poolLabels.forEach((label, i) => {
      this.place(label);
      this.push(RET, this.poolValues[i]!, i, 0);
    });
    const placed = placeTrampolines(this.code, this.k, this.t, this.f, this.next);
    return encode(this.code, this.k, this.t, this.f, this.sources, placed, endian);
  }
}

/**
 * Drops loads (and load-and-mask pairs) whose result the accumulator already holds on every
 * path that reaches them: a rule failing on arg 0 falls into the next rule, which tests arg 0
 * again, often under the same mask. Jumps only go forward, so one pass in program order sees
 * every predecessor of a label before the label. The state is a load offset and a mask
 * (UNKNOWN when paths disagree or after two ANDs, UNREACHED when no path gets here yet).
 */
function dropRedundantLoads(code: number[], k: readonly number[], t: readonly number[], f: readonly number[], labels: number): void {
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
  const n = code.length;
  for (let i = 0; i < n; i++) {
    const c = code[i]!;
    if (c === LABEL) {
      const id = k[i]!;
      const o = inOff[id]!;
      if (o === UNREACHED) continue;
      if (off === UNREACHED) {
        off = o;
        mask = inMask[id]!;
      } else if (o !== off || inMask[id] !== mask) {
        off = UNKNOWN;
        mask = NO_MASK;
      }
    } else if (c === LD) {
      const at = k[i]!;
      if (off === at && i + 1 < n && code[i + 1] === AND && mask === k[i + 1]) {
        code[i] = DROPPED;
        code[++i] = DROPPED;
      } else if (off === at && mask === NO_MASK) {
        code[i] = DROPPED;
      } else {
        off = at;
        mask = NO_MASK;
      }
    } else if (c === AND) {
      if (off >= 0 && mask === NO_MASK) {
        mask = k[i]!;
      } else {
        off = UNKNOWN;
        mask = NO_MASK;
      }
    } else if (c === JA) {
      reach(k[i]!);
      off = UNREACHED;
      mask = NO_MASK;
    } else if (c === RET) {
      off = UNREACHED;
      mask = NO_MASK;
    } else {
      reach(t[i]!);
      reach(f[i]!);
      off = UNREACHED;
      mask = NO_MASK;
    }
  }
}

const isBranch = (c: number): boolean => c >= 0 && (c & 0x07) === BPF_JMP && c !== JA;

interface Placed {
  /** Per item: the pass that gave its jt a trampoline (0: none); farF the same for jf. */
  readonly farT: Int32Array;
  readonly farF: Int32Array;
  /** Per label: its pc in the final program. */
  readonly pcOf: Int32Array;
  /** Per label: the item of the instruction it points at (filled when some jump is far). */
  readonly landing: Int32Array;
  /** Instructions in the program, trampolines included. */
  readonly count: number;
}

/**
 * Which conditional jumps need trampolines: pass after pass (each a walk over flat arrays),
 * a jump whose target lies too far, given the trampolines so far, gets one, until none is
 * missing. A jump's trampolines sit right after it, the latest pass's first (t before f in
 * one pass), so each pass only pushes its targets further.
 */
function placeTrampolines(code: readonly number[], k: readonly number[], t: readonly number[], f: readonly number[], labels: number): Placed {
  const farT = new Int32Array(code.length);
  const farF = new Int32Array(code.length);
  const pcOf = new Int32Array(labels);
  const landing = new Int32Array(labels);
  const n = code.length;
  let count = 0;
  for (let pass = 1; ; pass++) {
    let pc = 0;
    for (let i = 0; i < n; i++) {
      const c = code[i]!;
      if (c === LABEL) pcOf[k[i]!] = pc;
      else if (c >= 0) pc += 1 + (farT[i] ? 1 : 0) + (farF[i] ? 1 : 0);
    }
    count = pc;
    // The farthest jump, first instruction to last, skips count - 2: none is far.
    if (pass === 1 && count - 2 <= MAX_SHORT) return { farT, farF, pcOf, landing, count };
    let changed = false;
    pc = 0;
    for (let i = 0; i < n; i++) {
      const c = code[i]!;
      if (c < 0) continue;
      if (isBranch(c)) {
        if (!farT[i] && pcOf[t[i]!]! - pc - 1 > MAX_SHORT) {
          farT[i] = pass;
          changed = true;
        }
        if (!farF[i] && pcOf[f[i]!]! - pc - 1 > MAX_SHORT) {
          farF[i] = pass;
          changed = true;
        }
      }
      pc += 1 + (farT[i] && farT[i] !== pass ? 1 : 0) + (farF[i] && farF[i] !== pass ? 1 : 0);
    }
    if (!changed) break;
  }
  // Labels point at the next instruction; items are in program order.
  for (let i = n - 1, next = -1; i >= 0; i--) {
    if (code[i] === LABEL) landing[k[i]!] = next;
    else if (code[i]! >= 0) next = i;
  }
  return { farT, farF, pcOf, landing, count };
}

/** The program, its bytes and provenance, trampolines written right after their jumps. */
function encode(
  code: readonly number[], k: readonly number[], t: readonly number[], f: readonly number[],
  sources: readonly RetSource[], { farT, farF, pcOf, landing, count }: Placed, endian: Endian,
): Linked {
  const program: SockFilter[] = [];
  const bytes = new Uint8Array(count * 8);
  const view = new DataView(bytes.buffer);
  const le = endian === 'little';
  const provenance = new Map<number, RetSource>();
  let pc = 0;
  const put = (c: number, jt: number, jf: number, kk: number): void => {
    const o = pc * 8;
    view.setUint16(o, c, le);
    view.setUint8(o + 2, jt);
    view.setUint8(o + 3, jf);
    view.setUint32(o + 4, kk, le);
    program.push({ code: c, jt, jf, k: kk });
    pc++;
  };
  const trampoline = (id: Label): void => {
    const land = landing[id]!;
    if (code[land] === RET) {
      provenance.set(pc, sources[t[land]!]!);
      put(RET, 0, 0, k[land]!);
    } else {
      put(JA, 0, 0, pcOf[id]! - pc - 1);
    }
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c < 0) continue;
    if (c === RET) {
      provenance.set(pc, sources[t[i]!]!);
      put(c, 0, 0, k[i]!);
    } else if (c === JA) {
      put(c, 0, 0, pcOf[k[i]!]! - pc - 1);
    } else if (isBranch(c)) {
      const pt = farT[i]!;
      const pf = farF[i]!;
      // The later pass's trampoline comes first; in one pass, t's.
      const tFirst = pt >= pf;
      const jt = pt ? (tFirst ? 0 : 1) : pcOf[t[i]!]! - pc - 1;
      const jf = pf ? (tFirst ? (pt ? 1 : 0) : 0) : pcOf[f[i]!]! - pc - 1;
      put(c, jt, jf, k[i]!);
      if (tFirst) {
        if (pt) trampoline(t[i]!);
        if (pf) trampoline(f[i]!);
      } else {
        trampoline(f[i]!);
        if (pt) trampoline(t[i]!);
      }
    } else {
      put(c, 0, 0, k[i]!);
    }
  }
  return { program, bytes, provenance };
}
