/**
 * Syscall dispatch: the u32 number line is cut into segments, each going to one target (a
 * rule's block, a return, the default, bad-arch), and a binary search over the segment
 * starts (JGE) picks the segment, so the longest path is about log2(segments) jumps and no
 * argument is ever loaded on the way to an unconditional verdict (the kernel can cache it).
 */
import { BPF_JEQ, BPF_JGE } from '../bpf/opcodes.js';
import type { Assembler, Label } from './asm.js';

export interface Segment {
  /** First nr of the segment; it runs up to the next segment's start. */
  readonly start: number;
  readonly target: Label;
}

const U32_END = 2 ** 32;

/**
 * Segments covering [0, 2^32): `background` (ascending starts, the first at 0) everywhere
 * except the given numbers; numbers inside a `masked` background target keep it (bad-arch
 * ranges win, as in libseccomp, whose ABI check comes before any rule).
 */
export function segmentsFor(points: ReadonlyMap<number, Label>, background: readonly Segment[], masked: Label | undefined): Segment[] {
  const bgAt = (nr: number): Label => {
    let t = background[0]!.target;
    for (const s of background) if (s.start <= nr) t = s.target;
    return t;
  };
  const starts = new Set<number>(background.map((s) => s.start));
  for (const nr of points.keys()) {
    starts.add(nr);
    if (nr + 1 < U32_END) starts.add(nr + 1);
  }
  const out: Segment[] = [];
  for (const start of [...starts].sort((a, b) => a - b)) {
    const bg = bgAt(start);
    const target = bg !== masked && points.has(start) ? points.get(start)! : bg;
    if (out.length && out[out.length - 1]!.target === target) continue;
    out.push({ start, target });
  }
  return out;
}

/** Emits the search tree for `segs` at `entry`; jumps only go forward. */
export function emitDispatch(asm: Assembler, segs: readonly Segment[], entry: Label): void {
  if (segs.length === 1) {
    asm.place(entry);
    asm.goto(segs[0]!.target);
    return;
  }
  emitNode(asm, segs, 0, segs.length - 1, entry);
}

const end = (segs: readonly Segment[], i: number): number => (i + 1 < segs.length ? segs[i + 1]!.start : U32_END);

function emitNode(asm: Assembler, segs: readonly Segment[], i: number, j: number, at: Label): void {
  asm.place(at);
  // One number between two stretches with the same target: a single JEQ.
  if (j - i === 2 && segs[i]!.target === segs[j]!.target && end(segs, i + 1) - segs[i + 1]!.start === 1) {
    asm.branch(BPF_JEQ, segs[i + 1]!.start, segs[i + 1]!.target, segs[i]!.target);
    return;
  }
  const mid = (i + j + 1) >> 1;
  const right = mid === j ? segs[j]!.target : asm.label();
  const left = mid - 1 === i ? segs[i]!.target : asm.label();
  asm.branch(BPF_JGE, segs[mid]!.start, right, left);
  if (mid !== j) emitNode(asm, segs, mid, j, right);
  if (mid - 1 !== i) emitNode(asm, segs, i, mid - 1, left);
}
