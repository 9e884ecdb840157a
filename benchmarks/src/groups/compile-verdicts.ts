/**
 * The compile group's check of meaning, beside the byte checks: the TypeScript compiler's
 * program and libseccomp's must answer alike for every syscall number of every arch of the
 * profile, with edge arguments and the arguments the rules compare. Also the sizes the
 * targets compare: instructions, the longest path through the program (from its first
 * instruction to a return, over the jump graph: a bound no input can exceed), and the most
 * instructions any call of the sweep ran (core's emulator).
 */
import { archInfo, decodeBpf, prepare, resolveSyscall, syscallNames, X32_SYSCALL_BIT } from '@seccomp/core';
import { bpfClass, isConditionalJump, isJump, BPF_RET } from '@seccomp/core/internal';
import type { ArchName, Condition, PreparedBpf, Profile, SockFilter } from '@seccomp/core';

export interface ProgramShape {
  instructions: number;
  /** Instructions on the longest path from the first instruction to a return (jump graph). */
  longestPath: number;
  /** The most instructions one call of the sweep ran. */
  longestRun: number;
}

export interface VerdictSweep {
  /** Calls compared (arch × number × argument vector). */
  calls: number;
  /**
   * `name (arch)` where the two differ because the tables differ: on a multi-arch profile
   * libseccomp places a rule by its own table for each arch, and 2.5.4's lacks the newest
   * syscalls (the SDK's path then leaves the rule out) or numbers a name on an arch where
   * the SDK's table does not (or the other way round). Only these may differ.
   */
  tablesDiffer: string[];
}

const U64 = (1n << 64n) - 1n;
const HIGH = 0xffff_ffff_0000_0000n;
/** The same value in every argument: zero, the word edges, a sign-extended -100 and -1. */
const EDGES = [0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000_0000n, BigInt.asUintN(64, -100n), U64];
/** Beyond the tables: the x32 bit's neighbours, the sign bit, -2 and -1 (a tracer's skipped call). */
const ODD_NUMBERS = [0x3fff_ffff, 0x7fff_ffff, 0x8000_0000, 0xbfff_ffff, 0xffff_fffe, 0xffff_ffff];
/** Every number below this, with and without the x32 bit, is swept (the tables end below 600). */
const SWEPT = 1024;

/** The longest path from pc 0 to a return: jumps go forward only, so one pass from the end. */
export function longestPath(program: readonly SockFilter[]): number {
  const longest = new Array<number>(program.length).fill(0);
  for (let pc = program.length - 1; pc >= 0; pc--) {
    const ins = program[pc]!;
    if (bpfClass(ins.code) === BPF_RET) longest[pc] = 1;
    else if (isConditionalJump(ins.code)) longest[pc] = 1 + Math.max(longest[pc + 1 + ins.jt]!, longest[pc + 1 + ins.jf]!);
    else if (isJump(ins.code)) longest[pc] = 1 + longest[pc + 1 + ins.k]!;
    else longest[pc] = 1 + longest[pc + 1]!;
  }
  return longest[0] ?? 0;
}

/** A value for which the condition holds, given as the u64 in the register. */
function satisfying(c: Condition): bigint {
  switch (c.op) {
    case 'eq': case 'le': case 'ge': case 'maskedEq': return c.value;
    case 'ne': case 'gt': return (c.value + 1n) & U64;
    case 'lt': return c.value === 0n ? 0n : c.value - 1n;
  }
}

/** Argument vectors from a rule's conditions: all of them holding, then each one missed by one, each also with the high word set. */
function ruleVectors(conditions: readonly Condition[]): bigint[][] {
  const base = [0n, 0n, 0n, 0n, 0n, 0n];
  for (const c of conditions) base[c.arg] = satisfying(c);
  const out = [base];
  for (const c of conditions) {
    for (const delta of [1n, -1n]) {
      const v = [...base];
      v[c.arg] = (c.value + delta) & U64;
      out.push(v);
    }
  }
  return [...out, ...out.map((v) => v.map((a) => a | HIGH))];
}

const EDGE_VECTORS = EDGES.map((v) => [v, v, v, v, v, v]);

/** The numbers a call on `arch` can carry: every table number, everything below SWEPT with and without the x32 bit, and odd ones. */
function numbersOf(arch: ArchName): number[] {
  const out = new Set<number>(ODD_NUMBERS);
  for (let nr = 0; nr < SWEPT; nr++) out.add(nr).add((nr | X32_SYSCALL_BIT) >>> 0);
  for (const name of syscallNames(arch)) out.add(kernelNumber(name, arch)!);
  return [...out];
}

/** The nr the kernel sees for a name on an arch (x32's carry bit 30), or undefined if the arch lacks it. */
function kernelNumber(name: string, arch: ArchName): number | undefined {
  let nr: number;
  try {
    nr = resolveSyscall(name, arch);
  } catch {
    return undefined;
  }
  return (arch === 'x32' ? nr | X32_SYSCALL_BIT : nr) >>> 0;
}

/** Extra argument vectors per number: those of every conditional rule naming its syscall. */
function conditionVectors(profile: Profile, arches: readonly ArchName[]): Map<number, bigint[][]> {
  const out = new Map<number, bigint[][]>();
  for (const rule of profile.rules) {
    if (!rule.conditions?.length) continue;
    // The benchmark profiles name their syscalls (the C spec refuses numbers).
    for (const s of rule.syscalls.filter((n): n is string => typeof n === 'string')) {
      for (const arch of arches) {
        const nr = kernelNumber(s, arch);
        if (nr !== undefined) out.set(nr, [...(out.get(nr) ?? []), ...ruleVectors(rule.conditions)]);
      }
    }
  }
  return out;
}

function byAudit(arches: readonly ArchName[]): Map<number, ArchName[]> {
  const out = new Map<number, ArchName[]>();
  for (const arch of arches) {
    const audit = archInfo(arch).auditArch;
    out.set(audit, [...(out.get(audit) ?? []), arch]);
  }
  return out;
}

/** libseccomp's number for a name on an arch (negative if its table lacks it there); undefined on a native-only profile, where the SDK hands libseccomp its own numbers. */
export type LibseccompNumber = ((name: string, arch: ArchName) => number) | undefined;

/** Numbers (in one audit arch) where the two tables disagree about a name the profile names, with `name (arch)`. */
function tableDisagreements(profile: Profile, group: readonly ArchName[], libseccomp: LibseccompNumber): Map<number, string> {
  const out = new Map<number, string>();
  if (!libseccomp) return out;
  const names = new Set(profile.rules.flatMap((r) => r.syscalls).filter((s): s is string => typeof s === 'string'));
  for (const name of names) {
    for (const arch of group) {
      const ours = kernelNumber(name, arch);
      const raw = libseccomp(name, arch);
      const theirs = raw < 0 ? undefined : (arch === 'x32' ? raw | X32_SYSCALL_BIT : raw) >>> 0;
      if (ours === theirs) continue;
      for (const nr of [ours, theirs]) if (nr !== undefined) out.set(nr, `${name} (${arch})`);
    }
  }
  return out;
}

interface Compared {
  ours: ProgramShape;
  theirs: ProgramShape;
  sweep: VerdictSweep;
}

/** Runs both programs over the sweep; throws on the first verdict that differs where the tables agree. */
export function comparePrograms(profile: Profile, arches: readonly ArchName[], ours: Uint8Array, theirs: Uint8Array, libseccomp: LibseccompNumber): Compared {
  const endian = archInfo(arches[0]!).endian;
  const a = prepare(ours, endian);
  const b = prepare(theirs, endian);
  const runs = [0, 0];
  const seen = new Set<string>();
  let calls = 0;
  const run = (p: PreparedBpf, i: number, nr: number, audit: number, args: readonly bigint[]) => {
    const value = p.runFields(nr, audit, args, 0);
    runs[i] = Math.max(runs[i]!, p.lastPath().length);
    return value;
  };
  // x86_64 and x32 share an audit arch: the kernel tells them apart by the number alone.
  for (const [audit, group] of byAudit(arches)) {
    const disagree = tableDisagreements(profile, group, libseccomp);
    const extra = conditionVectors(profile, group);
    const arch = group.join('+');
    for (const nr of new Set(group.flatMap(numbersOf))) {
      for (const args of [...EDGE_VECTORS, ...(extra.get(nr) ?? [])]) {
        const va = run(a, 0, nr, audit, args);
        const vb = run(b, 1, nr, audit, args);
        calls++;
        if (va === vb) continue;
        const why = disagree.get(nr);
        if (why !== undefined) {
          seen.add(why);
          continue;
        }
        const hex = (v: number) => `0x${(v >>> 0).toString(16)}`;
        throw new Error(`the TypeScript compiler's program and libseccomp's disagree on ${arch} nr ${hex(nr)} args [${args.map((v) => `0x${v.toString(16)}`).join(', ')}]: ${hex(va)} against ${hex(vb)}`);
      }
    }
  }
  const shape = (bytes: Uint8Array, longestRun: number): ProgramShape => {
    const program = decodeBpf(bytes, endian);
    return { instructions: program.length, longestPath: longestPath(program), longestRun };
  };
  return { ours: shape(ours, runs[0]!), theirs: shape(theirs, runs[1]!), sweep: { calls, tablesDiffer: [...seen].sort() } };
}
