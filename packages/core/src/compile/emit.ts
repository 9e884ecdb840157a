/**
 * Plans → assembler: argument tests, and each conditional syscall's rules as a decision tree
 * whose failures end at the default return.
 */
import { encodeAction } from '../actions.js';
import type { Endian } from '../arch.js';
import { BPF_JEQ, BPF_JGE, BPF_JGT } from '../bpf/opcodes.js';
import type { Assembler, Label } from './asm.js';
import type { ArgTest } from './conditions.js';
import type { GenProgram, Target } from './db/generate.js';
import type { NodeOp } from './db/node.js';
import type { SyscallPlan } from './lower.js';

/** struct seccomp_data: nr at 0, arch at 4, instruction_pointer at 8, args from 16. */
export const OFFSET_NR = 0;
export const OFFSET_ARCH = 4;
const OFFSET_ARGS = 16;

function argOffsets(arg: number, endian: Endian): { lo: number; hi: number } {
  const base = OFFSET_ARGS + 8 * arg;
  return endian === 'little' ? { lo: base, hi: base + 4 } : { lo: base + 4, hi: base };
}

const LO = (v: bigint): number => Number(v & 0xffffffffn);
const HI = (v: bigint): number => Number((v >> 32n) & 0xffffffffn);

/** Emits `if (A & mask) == datum goto pass else fail` for one word; a full mask needs no AND. */
function maskedWord(asm: Assembler, offset: number, mask: number, datum: number, pass: Label, fail: Label): void {
  asm.load(offset);
  if (mask >>> 0 !== 0xffffffff) asm.and(mask);
  asm.branch(BPF_JEQ, datum, pass, fail);
}

/** The 64-bit ordering `A > R` (or `>=` when `orEqual`): high words decide unless equal. */
function above64(asm: Assembler, off: { lo: number; hi: number }, datum: bigint, orEqual: boolean, pass: Label, fail: Label): void {
  const hi = HI(datum);
  const low = asm.label();
  asm.load(off.hi);
  if (hi === 0) {
    // Not above 0 means equal to 0: one jump decides.
    asm.branch(BPF_JGT, 0, pass, low);
  } else if (hi === 0xffffffff) {
    // Nothing is above all ones: only equality leads on.
    asm.branch(BPF_JEQ, hi, low, fail);
  } else {
    const same = asm.label();
    asm.branch(BPF_JGT, hi, pass, same);
    asm.place(same);
    asm.branch(BPF_JEQ, hi, low, fail);
  }
  asm.place(low);
  asm.load(off.lo);
  asm.branch(orEqual ? BPF_JGE : BPF_JGT, LO(datum), pass, fail);
}

/** ne and the orderings; eq and maskedEq become word steps (stepsOf). */
function emitTest(asm: Assembler, t: ArgTest, endian: Endian, pass: Label, fail: Label): void {
  const off = argOffsets(t.arg, endian);
  // lt, le and ne are the negations of ge, gt and eq: same code, exits swapped.
  const negated = t.op === 'lt' || t.op === 'le' || t.op === 'ne';
  const [yes, no] = negated ? [fail, pass] : [pass, fail];
  // eq and maskedEq reach here only as single-word steps (stepsOf), so eq serves ne alone.
  if (t.op === 'eq' || t.op === 'ne') {
    if (t.bits === 64) {
      const low = asm.label();
      maskedWord(asm, off.hi, 0xffffffff, HI(t.datum), low, no);
      asm.place(low);
    }
    maskedWord(asm, off.lo, 0xffffffff, LO(t.datum), yes, no);
    return;
  }
  const orEqual = t.op === 'ge' || t.op === 'lt';
  if (t.bits === 64) return above64(asm, off, t.datum, orEqual, yes, no);
  asm.load(off.lo);
  asm.branch(orEqual ? BPF_JGE : BPF_JGT, LO(t.datum), yes, no);
}

/**
 * One step of a rule: a single-word equality (eq and maskedEq split into their words, so
 * rules comparing one 64-bit argument with several small values share the high-word check),
 * or a whole test (ne and the orderings, whose words do not separate).
 */
type Step =
  | { readonly kind: 'word'; readonly arg: number; readonly order: number; readonly offset: number; readonly mask: number; readonly datum: number }
  | { readonly kind: 'test'; readonly arg: number; readonly order: number; readonly test: ArgTest };

function stepsOf(t: ArgTest, endian: Endian): Step[] {
  const off = argOffsets(t.arg, endian);
  const word = (hi: boolean, mask: number, datum: number): Step =>
    ({ kind: 'word', arg: t.arg, order: hi ? 0 : 1, offset: hi ? off.hi : off.lo, mask, datum });
  if (t.op === 'eq' || t.op === 'maskedEq') {
    const mask = t.op === 'eq' ? (t.bits === 64 ? (1n << 64n) - 1n : 0xffffffffn) : t.mask;
    const out: Step[] = [];
    if (t.bits === 64 && HI(mask) !== 0) out.push(word(true, HI(mask), HI(t.datum)));
    if (LO(mask) !== 0) out.push(word(false, LO(mask), LO(t.datum)));
    return out;
  }
  return [{ kind: 'test', arg: t.arg, order: 2, test: t }];
}

const stepKey = (s: Step): string =>
  s.kind === 'word' ? `w:${s.offset}:${s.mask}:${s.datum}` : `t:${s.test.arg}:${s.test.op}:${s.test.datum}:${s.test.bits}`;

function emitStep(asm: Assembler, s: Step, endian: Endian, pass: Label, fail: Label): void {
  if (s.kind === 'word') maskedWord(asm, s.offset, s.mask, s.datum, pass, fail);
  else emitTest(asm, s.test, endian, pass, fail);
}

/** A rule still being decided: the steps left to pass, and where to go when they do. */
interface Pending {
  readonly steps: readonly Step[];
  readonly pass: Label;
}

/**
 * A syscall's rules as a decision tree: rules whose next step is the same share it, so a
 * ladder like socket's (domain, then type, then protocol) tests each value once. Rules commute:
 * a rule's tests AND in any order, and rules OR in any order because the ones with different
 * actions were proven disjoint (lower.ts), so the first rule that matches is the only one.
 */
function emitChoices(asm: Assembler, rules: readonly Pending[], endian: Endian, fail: Label): void {
  const groups = new Map<string, Pending[]>();
  for (const r of rules) {
    const key = stepKey(r.steps[0]!);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const list = [...groups.values()];
  list.forEach((group, i) => {
    const next = i === list.length - 1 ? fail : asm.label();
    const rest = group.map((r) => ({ steps: r.steps.slice(1), pass: r.pass }));
    // A rule with nothing left to check holds: any rule sharing its steps and differing in
    // action would overlap it, which lower.ts refuses, so its return is the verdict here.
    const done = rest.find((r) => r.steps.length === 0);
    if (done) {
      emitStep(asm, group[0]!.steps[0]!, endian, done.pass, next);
    } else {
      const deeper = asm.label();
      emitStep(asm, group[0]!.steps[0]!, endian, deeper, next);
      asm.place(deeper);
      emitChoices(asm, rest, endian, next);
    }
    if (next !== fail) asm.place(next);
  });
}

const JUMPS: Readonly<Record<NodeOp, number>> = { eq: BPF_JEQ, maskedEq: BPF_JEQ, gt: BPF_JGT, ge: BPF_JGE };

/**
 * libseccomp's program for overlapping rules (merge.ts), block by block: each loads and
 * masks only where libseccomp's does, so every call takes the same path and compares the
 * same accumulator as in libseccomp's program.
 */
function emitProgram(asm: Assembler, program: GenProgram, fallback: Label): void {
  const labels = new Map(program.blocks.map((b) => [b.id, asm.label()]));
  const target = (t: Target): Label => (t === 'default' ? fallback : 'block' in t ? labels.get(t.block)! : asm.ret(t.action, t.rule));
  for (const b of program.blocks) {
    asm.place(labels.get(b.id)!);
    const load = program.loads.get(b.id)!;
    if (load) asm.load(b.offset);
    if (b.mask !== (load ? 0xffffffff : b.belief!.mask)) asm.and(b.mask);
    asm.branch(JUMPS[b.op], b.datum, target(b.t), target(b.f));
  }
}

/** A conditional syscall's block at `entry`: its rules as a decision tree, then the default. */
export function emitSyscall(asm: Assembler, plan: SyscallPlan, endian: Endian, entry: Label, fallback: Label): void {
  asm.place(entry);
  if (plan.program) return emitProgram(asm, plan.program, fallback);
  const rules = plan.rules.map((r) => ({
    // In argument order, high word first, so rules testing the same arguments share prefixes.
    steps: r.tests.flatMap((t) => stepsOf(t, endian)).sort((a, b) => a.arg - b.arg || a.order - b.order),
    pass: asm.ret(encodeAction(r.action), r.rule),
  }));
  emitChoices(asm, rules, endian, fallback);
}
