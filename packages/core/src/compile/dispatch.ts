/**
 * Syscall dispatch: the u32 number line is cut into segments, each going to one target (a
 * rule's block, a return, the default, bad-arch), and a binary search over the segment
 * starts (JGE) picks the segment, so the longest path is about log2(segments) jumps and no
 * argument is ever loaded on the way to an unconditional verdict (the kernel can cache it).
 *
 * This runs once per program, mostly cold: numbers are sorted as a typed array (a native
 * numeric sort, no comparator calls) and segments kept in two flat arrays.
 */
import { BPF_JEQ, BPF_JGE } from '../bpf/opcodes.js';
import type { Assembler, Label } from './asm.js';

export interface Segment {
  /** First nr of the segment; it runs up to the next segment's start. */
  readonly start: number;
  readonly target: Label;
}

/** Segments as two arrays: segment i covers [starts[i], starts[i + 1]) and goes to targets[i]. */
export interface Segments {
  readonly starts: readonly number[];
  readonly targets: readonly Label[];
}

const U32_END = 2 ** 32;

/**
 * The numbers with a target of their own, as sort keys: `nr * scale + i` for the i-th number
 * added, so a numeric sort orders them by number, and a number added twice keeps its last
 * target. Exact below 2^53: any u32 number, up to 2^21 numbers.
 */
export class Points {
  readonly keys: Float64Array;
  readonly targets: Int32Array;
  readonly scale: number;
  size: number;

  constructor(capacity: number) {
    let scale = 1;
    while (scale <= capacity) scale *= 2;
    this.scale = scale;
    this.keys = new Float64Array(capacity);
    this.targets = new Int32Array(capacity);
    this.size = 0;
  }

  add(nr: number, target: Label): void {
    this.keys[this.size] = nr * this.scale + this.size;
    this.targets[this.size++] = target;
  }
}

/**
 * Segments covering [0, 2^32): `background` (ascending starts, the first at 0) everywhere
 * except the given numbers; numbers inside a `masked` background target keep it (bad-arch
 * ranges win, as in libseccomp, whose ABI check comes before any rule).
 */
export function segmentsFor(points: Points, background: readonly Segment[], masked: Label | undefined): Segments {
  const { scale } = points;
  const keys = points.keys.subarray(0, points.size).sort();
  const starts: number[] = [];
  const targets: Label[] = [];
  let last = -1;
  let bg = 0;
  // The background over [from, to), which holds no given number.
  const fill = (from: number, to: number): void => {
    while (bg + 1 < background.length && background[bg + 1]!.start <= from) bg++;
    for (let start = from; ; start = background[++bg]!.start) {
      if (background[bg]!.target !== last) {
        last = background[bg]!.target;
        starts.push(start);
        targets.push(last);
      }
      if (bg + 1 >= background.length || background[bg + 1]!.start >= to) return;
    }
  };
  let at = 0;
  for (let i = 0; i < keys.length; i++) {
    const p = keys[i]! % scale;
    const nr = (keys[i]! - p) / scale;
    // A number added twice: its last target counts.
    if (i + 1 < keys.length && keys[i + 1]! < (nr + 1) * scale) continue;
    if (at < nr) fill(at, nr);
    while (bg + 1 < background.length && background[bg + 1]!.start <= nr) bg++;
    const under = background[bg]!.target;
    const target = under !== masked ? points.targets[p]! : under;
    if (target !== last) {
      last = target;
      starts.push(nr);
      targets.push(target);
    }
    at = nr + 1;
  }
  if (at < U32_END) fill(at, U32_END);
  return { starts, targets };
}

/** Emits the search tree for `segs` at `entry`; jumps only go forward. */
export function emitDispatch(asm: Assembler, segs: Segments, entry: Label): void {
  if (segs.starts.length === 1) {
    asm.place(entry);
    asm.goto(segs.targets[0]!);
    return;
  }
  emitNode(asm, segs, 0, segs.starts.length - 1, entry);
}

function emitNode(asm: Assembler, segs: Segments, i: number, j: number, at: Label): void {
  const { starts, targets } = segs;
  asm.place(at);
  // One number between two stretches with the same target: a single JEQ.
  if (j - i === 2 && targets[i] === targets[j] && starts[j]! - starts[i + 1]! === 1) {
    asm.branch(BPF_JEQ, starts[i + 1]!, targets[i + 1]!, targets[i]!);
    return;
  }
  const mid = (i + j + 1) >> 1;
  const right = mid === j ? targets[j]! : asm.label();
  const left = mid - 1 === i ? targets[i]! : asm.label();
  asm.branch(BPF_JGE, starts[mid]!, right, left);
  if (mid !== j) emitNode(asm, segs, mid, j, right);
  if (mid - 1 !== i) emitNode(asm, segs, i, mid - 1, left);
}
