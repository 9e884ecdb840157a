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
import { modelsAny, settleLayout } from './layout.js';

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

function groupByAudit(plans: readonly ArchPlan[]): Group[] {
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
  const has = (name: ArchName): boolean => group.plans.some((p) => p.arch.name === name);
  if (has('x86_64') && !has('x32')) {
    return [{ start: 0, target: def }, { start: X32_SYSCALL_BIT, target: bad }, { start: 0xffffffff, target: def }];
  }
  if (has('x32') && !has('x86_64')) return [{ start: 0, target: bad }, { start: X32_SYSCALL_BIT, target: def }];
  return [{ start: 0, target: def }];
}

function endianOf(arches: readonly ArchInfo[]): Endian {
  for (const a of arches) if (a.endian !== arches[0]!.endian) throw mixedEndian(arches[0]!, a);
  return arches[0]!.endian;
}

// Refusals are built apart from the code that detects them: a first compile parses only the
// functions it runs.
function mixedEndian(first: ArchInfo, other: ArchInfo): CompileError {
  return new CompileError({ reason: 'mixedEndian', arch: other.name }, `${first.name} is ${first.endian}-endian and ${other.name} is not: one seccomp program has one byte order`);
}

function tooLong(instructions: number): CompileError {
  return new CompileError({ reason: 'tooLong', instructions, limit: BPF_MAXINSNS }, `the program has ${instructions} instructions; the kernel takes at most ${BPF_MAXINSNS}`);
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
  const plans = arches.map((a) => planArch(profile, a, native));
  // Without a modelled syscall (the usual case) the layout has nothing to settle.
  const groups = groupByAudit(modelsAny(plans) ? settleLayout(profile, plans, native) : plans);
  const asm = new Assembler();
  checkErrnoRange(profile.defaultAction, 'defaultAction');
  checkErrnoRange(profile.attributes?.badArchAction ?? Action.killProcess, 'attributes.badArchAction');
  const def = asm.ret(encodeAction(profile.defaultAction), 'default');
  const bad = asm.ret(encodeAction(profile.attributes?.badArchAction ?? Action.killProcess), 'badArch');
  const entries = groups.map(() => asm.label());
  asm.load(OFFSET_ARCH);
  for (let i = 0; i < groups.length; i++) {
    const next = i === groups.length - 1 ? bad : asm.label();
    asm.branch(BPF_JEQ, groups[i]!.auditArch, entries[i]!, next);
    if (next !== bad) asm.place(next);
  }
  for (let i = 0; i < groups.length; i++) emitGroup(asm, groups[i]!, entries[i]!, def, bad, endian);
  const { program, bytes, provenance } = asm.link(endian);
  if (program.length > BPF_MAXINSNS) throw tooLong(program.length);
  return { bytes, program, endian, provenance };
}
