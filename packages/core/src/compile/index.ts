/**
 * Profile → seccomp BPF in pure TypeScript, with libseccomp's verdicts. Internal for now:
 * the public entry points (compile(), lockdown()) still build through libseccomp.
 */
import { encodeAction, Action } from '../actions.js';
import type { SockFilter } from '../abi.js';
import { nativeArch as hostArch, type ArchInfo, type ArchName, type Endian } from '../arch.js';
import { BPF_JEQ, BPF_MAXINSNS } from '../bpf/opcodes.js';
import type { Profile } from '../profile/model.js';
import { X32_SYSCALL_BIT } from '../syscalls/index.js';
import { Assembler, type Label, type RetSource } from './asm.js';
import { emitDispatch, Points, segmentsFor, type Segment } from './dispatch.js';
import { emitSyscall, OFFSET_ARCH, OFFSET_NR } from './emit.js';
import { CompileError } from './errors.js';
import { checkErrnoRange, checkExact, planArch, profileArches, type ArchPlan, type RulePlan, type SyscallPlan } from './lower.js';
import { settleLayout } from './layout.js';

export { CompileError, type CompileErrorFields, type CompileErrorReason } from './errors.js';
export type { RetSource } from './asm.js';

export interface CompileOptions {
  /** The arch a profile without arches means, and whose numbers rules' numbers are. Default: this process's. */
  readonly nativeArch?: ArchName;
}

export interface CompiledProgram {
  /** The program in the target's byte order, ready for seccomp(2). */
  readonly bytes: Uint8Array;
  readonly program: readonly SockFilter[];
  readonly endian: Endian;
  /** pc of each return instruction → the index in `profile.rules` that produced it, or 'default' / 'badArch'. */
  readonly provenance: ReadonlyMap<number, RetSource>;
}

/** Arches the kernel reports under one audit arch: x86_64 and x32 share one. */
interface Group {
  readonly auditArch: number;
  readonly plans: ArchPlan[];
}

function groupByAudit(plans: ArchPlan[]): Group[] {
  const groups = new Map<number, Group>();
  for (const plan of plans) {
    const g = groups.get(plan.arch.auditArch) ?? { auditArch: plan.arch.auditArch, plans: [] };
    g.plans.push(plan);
    groups.set(plan.arch.auditArch, g);
  }
  return [...groups.values()];
}

/**
 * The numbers a group owns before any rule: x86_64 alone sends x32 numbers (bit 30 set) to
 * bad-arch except -1 (a tracer's skipped call); x32 alone sends x86_64 numbers there. With
 * both, the numbers themselves tell the ABIs apart.
 */
function background(group: Group, def: Label, bad: Label): Segment[] {
  const names = new Set(group.plans.map((p) => p.arch.name));
  if (names.has('x86_64') && !names.has('x32')) {
    return [{ start: 0, target: def }, { start: X32_SYSCALL_BIT, target: bad }, { start: 0xffffffff, target: def }];
  }
  if (names.has('x32') && !names.has('x86_64')) return [{ start: 0, target: bad }, { start: X32_SYSCALL_BIT, target: def }];
  return [{ start: 0, target: def }];
}

function endianOf(arches: readonly ArchInfo[]): Endian {
  const endian = arches[0]!.endian;
  const other = arches.find((a) => a.endian !== endian);
  if (other) {
    throw new CompileError({ reason: 'mixedEndian', arch: other.name }, `${arches[0]!.name} is ${endian}-endian and ${other.name} is not: one seccomp program has one byte order`);
  }
  return endian;
}

function emitGroup(asm: Assembler, group: Group, entry: Label, def: Label, bad: Label, endian: Endian): void {
  asm.place(entry);
  asm.load(OFFSET_NR);
  let size = 0;
  for (const plan of group.plans) size += plan.syscalls.size;
  const points = new Points(size);
  const blocks: Label[] = [];
  const blockPlans: SyscallPlan[] = [];
  // Runs of syscalls share one rule, and so one return.
  let lastRule: RulePlan | undefined;
  let lastRet: Label = 0;
  for (const plan of group.plans) {
    plan.syscalls.forEach((sys, nr) => {
      const only = sys.rules[0]!;
      if (sys.rules.length === 1 && only.tests.length === 0) {
        if (only !== lastRule) {
          lastRule = only;
          lastRet = asm.ret(encodeAction(only.action), only.rule);
        }
        points.add(nr, lastRet);
      } else {
        const label = asm.label();
        points.add(nr, label);
        blocks.push(label);
        blockPlans.push(sys);
      }
    });
  }
  emitDispatch(asm, segmentsFor(points, background(group, def, bad), bad), asm.label());
  blocks.forEach((label, i) => emitSyscall(asm, blockPlans[i]!, endian, label, def));
}

export function compileProfileBpf(profile: Profile, options: CompileOptions = {}): CompiledProgram {
  const native = options.nativeArch ?? hostArch();
  const arches = profileArches(profile, native);
  const endian = endianOf(arches);
  checkExact(profile, arches);
  const groups = groupByAudit([...settleLayout(profile, arches.map((a) => planArch(profile, a, native)), native)]);
  const asm = new Assembler();
  checkErrnoRange(profile.defaultAction, 'defaultAction');
  checkErrnoRange(profile.attributes?.badArchAction ?? Action.killProcess, 'attributes.badArchAction');
  const def = asm.ret(encodeAction(profile.defaultAction), 'default');
  const bad = asm.ret(encodeAction(profile.attributes?.badArchAction ?? Action.killProcess), 'badArch');
  const entries = groups.map(() => asm.label());
  asm.load(OFFSET_ARCH);
  groups.forEach((g, i) => {
    const next = i === groups.length - 1 ? bad : asm.label();
    asm.branch(BPF_JEQ, g.auditArch, entries[i]!, next);
    if (next !== bad) asm.place(next);
  });
  groups.forEach((g, i) => emitGroup(asm, g, entries[i]!, def, bad, endian));
  const { program, bytes, provenance } = asm.link(endian);
  if (program.length > BPF_MAXINSNS) {
    throw new CompileError({ reason: 'tooLong', instructions: program.length, limit: BPF_MAXINSNS }, `the program has ${program.length} instructions; the kernel takes at most ${BPF_MAXINSNS}`);
  }
  return { bytes, program, endian, provenance };
}
