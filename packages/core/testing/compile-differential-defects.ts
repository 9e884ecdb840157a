/**
 * When the two programs disagree and the independent reading of the profile sides with the
 * compiler, the differential still does not take libseccomp's answer as wrong on trust: the
 * departure is accepted only where libseccomp's program is visibly malformed on that call's
 * path. Two defects of libseccomp 2.5.4 are recognised (compile/README.md lists them):
 *
 *  - `noNrLoad`: the path never loads seccomp_data.nr, yet compares syscall numbers (seen
 *    after a rule on a name the arch lacks: the arch block's `A = nr` is left out);
 *  - `staleAccumulator`: the path takes a conditional jump on an accumulator whose contents
 *    depend on how the jump was reached (seen after two rules' chains are merged).
 *
 * The accumulator's contents are tracked as the load (and ALU steps) that produced them,
 * forward over the program, which only jumps forward.
 */
import {
  ARCHES, BPF_ABS, BPF_ALU, BPF_JA, BPF_JMP, BPF_LD, BPF_RET, BPF_W, bpfClass, bpfOp, isConditionalJump, type SockFilter,
} from '../src/internal.js';

const LD_ABS_W = BPF_LD | BPF_W | BPF_ABS;
const OFFSET_NR = 0;
const HOLDS_ARCH = 'ld 4';
const AUDIT_ARCHES = new Set(Object.values(ARCHES).map((a) => a.auditArch));

/** Per pc, every description of the accumulator's contents that can reach it. */
export function accumulatorStates(program: readonly SockFilter[]): Set<string>[] {
  const states = program.map(() => new Set<string>());
  states[0]?.add('entry');
  const flow = (to: number, s: Set<string>) => {
    for (const x of s) states[to]?.add(x);
  };
  program.forEach((ins, pc) => {
    const here = states[pc]!;
    const cls = bpfClass(ins.code);
    if (cls === BPF_RET) return;
    if (cls === BPF_JMP) {
      if (bpfOp(ins.code) === BPF_JA) flow(pc + 1 + ins.k, here);
      else {
        flow(pc + 1 + ins.jt, here);
        flow(pc + 1 + ins.jf, here);
      }
      return;
    }
    let out = here;
    if (ins.code === LD_ABS_W) out = new Set([`ld ${ins.k}`]);
    else if (cls === BPF_LD) out = new Set([`ld ${ins.code}:${ins.k}`]);
    else if (cls === BPF_ALU) out = new Set([...here].map((x) => `${x} alu ${ins.code}:${ins.k}`));
    flow(pc + 1, out);
  });
  return states;
}

export type Defect = 'noNrLoad' | 'staleAccumulator';

/** The defect on `path` (pcs executed) that explains a wrong verdict, if any. */
export function defectOnPath(program: readonly SockFilter[], states: readonly Set<string>[], path: readonly number[]): Defect | undefined {
  const loadsNr = path.some((pc) => program[pc]!.code === LD_ABS_W && program[pc]!.k === OFFSET_NR);
  // The arch compared with a number that is no audit arch: a syscall test reached without `A = nr`.
  const archAsNr = path.some((pc) => {
    const ins = program[pc]!;
    return isConditionalJump(ins.code) && states[pc]!.size === 1 && states[pc]!.has(HOLDS_ARCH) && !AUDIT_ARCHES.has(ins.k >>> 0);
  });
  if (!loadsNr && archAsNr) return 'noNrLoad';
  if (path.some((pc) => isConditionalJump(program[pc]!.code) && states[pc]!.size > 1)) return 'staleAccumulator';
  return undefined;
}

/** A return value with its bytes reversed: what libseccomp's big-endian multi-arch programs can return. */
export const byteSwapped = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
