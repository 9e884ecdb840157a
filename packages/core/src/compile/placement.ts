/**
 * Where libseccomp puts one rule's syscall on one arch: the numbers in seccomp_data.nr that
 * get the rule, and, on socketcall(2)/ipc(2), the call number arg0 must hold there.
 *
 * Followed from libseccomp's sources (the same logic in 2.5.4 and 2.6.x; only the syscall
 * tables and the arches differ):
 *  - api.c `_syscall_valid`: -1 needs SCMP_FLTATR_API_TSKIP, -2 … -99 are refused.
 *  - arch.c `arch_syscall_translate`: on an arch other than the native one, a number is
 *    named through the native arch's table (pseudo numbers included) and that name resolved
 *    on the arch; no name is EFAULT. -1 is never translated.
 *  - arch.c `arch_filter_rule_add`: -1 and arches without socketcall/ipc take the number as
 *    it is; a pseudo number (below -1) places nothing, or is EDOM for an exact rule.
 *  - syscalls.c `abi_rule_add` (x86, mips o32, ppc, ppc64, s390, s390x, and in 2.6 sh and
 *    m68k): a socket or IPC call, named by its pseudo number (-101 … -120, -201 … -224) or
 *    by its direct number, becomes a rule on socketcall/ipc whose arg0 condition is replaced
 *    by `arg0 == call`, plus the rule unchanged on the direct number where the arch has one
 *    (x86 `socket` 359; x86 `accept` has none). An exact rule with conditions is EINVAL.
 */
import type { ArchInfo, ArchName } from '../arch.js';
import type { Profile, Rule } from '../profile/model.js';
import { IPC_CALLS, SOCKETCALL_CALLS, resolveSyscall, resolveSyscallRaw, syscallName } from '../syscalls/index.js';
import { resolveOnArch } from '../syscalls/lookup.js';
import { lowerCondition, type ArgTest } from './conditions.js';
import { CompileError } from './errors.js';
import type { RulePlan, SyscallPlan } from './lower.js';

export interface Placement {
  /** What the kernel puts in seccomp_data.nr, as a u32. */
  readonly nr: number;
  /** On socketcall(2)/ipc(2): arg0 must equal this; the rule's own arg0 condition is dropped. */
  readonly call?: number;
}

/** The number tracers set to skip a call; libseccomp takes rules on it with apiTskip only. */
export const TSKIP_NR = -1;

/** The pseudo numbers libseccomp gives the multiplexed calls: -(100 + call), -(200 + call). */
const SOCKET_BASE = 100;
const IPC_BASE = 200;
const SOCKET_RANGE = [-120, -100] as const;
const IPC_RANGE = [-224, -200] as const;

interface Muxed {
  /** socketcall's or ipc's number on the arch. */
  readonly via: number;
  readonly call: number;
  readonly name: string;
}

const inRange = (n: number, [lo, hi]: readonly [number, number]): boolean => n >= lo && n <= hi;

/** Call number → name, for each table of calls. */
const byCall = (calls: Readonly<Record<string, number>>): readonly (string | undefined)[] => {
  const names: (string | undefined)[] = [];
  for (const [name, call] of Object.entries(calls)) names[call] = name;
  return names;
};
const SOCKETCALL_NAMES = byCall(SOCKETCALL_CALLS);
const IPC_NAMES = byCall(IPC_CALLS);

function invalid(syscall: string | number, index: number, arch: ArchName | undefined, why: string): CompileError {
  return new CompileError({ reason: 'invalidSyscall', syscall, rules: [index], ...(arch && { arch }) }, `rules[${index}] (${String(syscall)}${arch ? ` on ${arch}` : ''}): ${why}; libseccomp refuses it`);
}

// The functions run once per name and arch are kept short, their rare cases in functions of
// their own: a first compile in a fresh process parses every function it runs.

/** api.c's check, before any arch: which negative numbers a rule may name at all. */
export function checkSyscallNumber(syscall: string | number, index: number, tskip: boolean): void {
  if (typeof syscall === 'number' && syscall < 0) checkNegative(syscall, index, tskip);
}

function checkNegative(syscall: number, index: number, tskip: boolean): void {
  if (syscall === TSKIP_NR && !tskip) throw invalid(syscall, index, undefined, 'syscall -1 needs attributes.apiTskip (SCMP_FLTATR_API_TSKIP)');
  if (syscall < TSKIP_NR && syscall > -SOCKET_BASE) throw invalid(syscall, index, undefined, '-2 to -99 are reserved numbers');
}

/** The number libseccomp holds for the rule's syscall on `arch` (maybe a pseudo number). */
function numberOn(syscall: string | number, index: number, arch: ArchInfo, native: ArchName): number {
  // Names too go through the native number, as libseccomp receives them (resolveOnArch).
  if (typeof syscall === 'string') return resolveOnArch(syscall, arch.name, native);
  const onNative = syscall;
  if (onNative === TSKIP_NR || arch.name === native) return onNative;
  const name = syscallName(onNative, native);
  if (name === undefined) throw invalid(syscall, index, arch.name, `${onNative} has no name on the native arch ${native}, so it cannot be translated to ${arch.name}`);
  return resolveSyscallRaw(name, arch.name);
}

/**
 * The socket or IPC call `sys` stands for on a multiplexing arch, or undefined. A pseudo
 * number in the ranges that names no call (-100, -205 …) is refused, as libseccomp's demux
 * fails on it.
 */
function muxedCall(sys: number, syscall: string | number, index: number, arch: ArchInfo): Muxed | undefined {
  if (arch.socketcall === undefined || arch.ipc === undefined) return undefined;
  const socket = inRange(sys, SOCKET_RANGE);
  if (socket || inRange(sys, IPC_RANGE)) {
    const call = -sys % (socket ? SOCKET_BASE : IPC_BASE);
    const name = (socket ? SOCKETCALL_NAMES : IPC_NAMES)[call];
    if (name === undefined) throw invalid(syscall, index, arch.name, `${sys} is in libseccomp's multiplexed range but names no call`);
    return { via: socket ? arch.socketcall : arch.ipc, call, name };
  }
  if (sys <= 0) return undefined;
  const name = syscallName(sys, arch.name);
  if (name !== undefined && Object.hasOwn(SOCKETCALL_CALLS, name)) return { via: arch.socketcall, call: SOCKETCALL_CALLS[name as keyof typeof SOCKETCALL_CALLS], name };
  if (name !== undefined && Object.hasOwn(IPC_CALLS, name)) return { via: arch.ipc, call: IPC_CALLS[name as keyof typeof IPC_CALLS], name };
  return undefined;
}

/**
 * Where a rule's syscall lands on `arch`: none (a name or pseudo number the arch lacks), one
 * number, or socketcall/ipc and the direct number. Throws what libseccomp refuses.
 */
export function placements(syscall: string | number, rule: Rule, index: number, arch: ArchInfo, native: ArchName): Placement[] {
  const sys = numberOn(syscall, index, arch, native);
  if (sys === TSKIP_NR) return [{ nr: TSKIP_NR >>> 0 }];
  // A name with a real number is never multiplexed: on socketcall/ipc arches the socket and
  // IPC names resolve to their pseudo numbers.
  if (sys >= 0 && typeof syscall === 'string') return [{ nr: sys }];
  const mux = muxedCall(sys, syscall, index, arch);
  if (mux) {
    if (rule.exact && rule.conditions?.length) {
      throw new CompileError(
        { reason: 'exactMultiplexed', arch: arch.name, syscall, rules: [index] },
        `rules[${index}]: exact rule with conditions on "${mux.name}", which ${arch.name} multiplexes through ${mux.via}; libseccomp refuses it (EINVAL) since it would replace the condition on arg0`,
      );
    }
    const direct = sys > 0 ? sys : resolveSyscall(mux.name, arch.name);
    return [{ nr: mux.via, call: mux.call }, ...(direct >= 0 ? [{ nr: direct >>> 0 }] : [])];
  }
  if (sys >= 0) return [{ nr: sys >>> 0 }];
  if (rule.exact) {
    const name = syscallName(sys, arch.name) ?? (typeof syscall === 'string' ? syscall : String(sys));
    throw new CompileError({ reason: 'noSuchSyscall', arch: arch.name, syscall, rules: [index] }, `rules[${index}]: exact rule on "${name}", which ${arch.name} does not have`);
  }
  return [];
}

/** The rule as libseccomp rewrites it for socketcall/ipc: its arg0 test becomes `arg0 == call`. */
export function onCall(plan: RulePlan, call: number, arch: ArchInfo): RulePlan {
  const callTest: ArgTest = { arg: 0, op: 'eq', datum: BigInt(call), mask: 0n, bits: arch.bits };
  return { ...plan, tests: [callTest, ...plan.tests.filter((t) => t.arg !== 0)] };
}

/**
 * x86_64 and x32 share one audit arch, so with both in the profile a rule on -1 reaches the
 * program twice, and libseccomp's verdict is that of whichever block it lays out first (by
 * rule size and priority). When both hold one rule without conditions it is the same rule,
 * and x86_64's copy serves; otherwise the compiler does not guess the order.
 */
export function shareTskip(syscalls: Map<number, SyscallPlan>, profile: Profile, arch: ArchInfo, arches: readonly ArchInfo[]): void {
  if (arch.name === 'x32' && syscalls.has(TSKIP_NR >>> 0) && arches.some((a) => a.name === 'x86_64')) shareX32Tskip(syscalls, profile, arch);
}

function shareX32Tskip(syscalls: Map<number, SyscallPlan>, profile: Profile, arch: ArchInfo): void {
  const nr = TSKIP_NR >>> 0;
  const entry = syscalls.get(nr)!;
  const only = entry.rules[0]!;
  const bare = (c: NonNullable<Rule['conditions']>[number]): boolean => lowerCondition(c, 64) === undefined;
  if (entry.rules.length === 1 && only.tests.length === 0 && (profile.rules[only.rule]!.conditions ?? []).every(bare)) {
    syscalls.delete(nr);
    return;
  }
  throw new CompileError(
    { reason: 'unsupported', feature: 'tskipSharedAbi', arch: arch.name, syscall: TSKIP_NR, rules: entry.rules.map((r) => r.rule) },
    `rules on syscall -1 with conditions, on x86_64 and x32 together: libseccomp's verdict depends on which ABI's copy it lays out first; the TypeScript compiler does not support it yet`,
  );
}
