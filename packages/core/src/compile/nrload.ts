/**
 * libseccomp 2.5.4 loads seccomp_data.nr once per arch, in the block of the syscall at the
 * head of its list (highest priority), unless the arch is x86_64 or x32 alone (their ABI
 * check loads it) or the layout is a binary tree. A rule on a name the arch lacks is kept
 * under a negative pseudo number on arches without socketcall/ipc, and such entries are
 * left out of the program: when one heads the list (say a rule without conditions on such a
 * name, while every real syscall has conditions), nothing loads nr, and every syscall test
 * on that arch compares the arch token instead (src/gen_bpf.c _gen_bpf_syscalls).
 *
 * Where the compiler follows the rules this is a departure of libseccomp's (README); but a
 * syscall whose overlapping rules are copied from libseccomp's program has no verdict to
 * follow there but libseccomp's, which the compiler does not reproduce: refused.
 */
import { encodeAction } from '../actions.js';
import type { ArchInfo, ArchName } from '../arch.js';
import type { Profile } from '../profile/model.js';
import { isMultiplexedName, resolveSyscallRaw, syscallName } from '../syscalls/index.js';
import { lowerCondition, type ArgTest } from './conditions.js';
import type { ChainRule } from './db/chain.js';
import { DbStop } from './db/node.js';
import { MergeStopped, mergeRules } from './db/syscall.js';
import { CompileError } from './errors.js';
import { filterOrder, listGroups, priorityOf, syscallList, type Listed } from './list.js';
import type { ArchPlan, SyscallPlan } from './lower.js';
import { libseccompFails, libseccompGraph, stopped } from './merge.js';

interface Held extends Listed {
  /** A pseudo number: in libseccomp's list, left out of its program. */
  readonly pseudo: boolean;
}

/** The number libseccomp holds for a rule's syscall on `arch` (as placement.ts finds it). */
function heldNumber(syscall: string | number, arch: ArchInfo, native: ArchName): number {
  const onNative = typeof syscall === 'number' ? syscall : resolveSyscallRaw(syscall, native);
  if (onNative === -1 || arch.name === native) return onNative;
  return resolveSyscallRaw(syscallName(onNative, native)!, arch.name);
}

/** Rules libseccomp keeps under pseudo numbers on `arch`, by number, in the order it gets them. */
function pseudoRules(profile: Profile, arch: ArchInfo, native: ArchName): Map<number, ChainRule[]> {
  const out = new Map<number, ChainRule[]>();
  if (arch.socketcall !== undefined || arch.ipc !== undefined) return out;
  profile.rules.forEach((rule, index) => {
    const tests = (rule.conditions ?? []).map((c) => lowerCondition(c, arch.bits)).filter((t): t is ArgTest => t !== undefined);
    for (const syscall of rule.syscalls) {
      const nr = heldNumber(syscall, arch, native);
      if (nr >= -1) continue;
      const list = out.get(nr) ?? [];
      list.push({ rule: index, action: encodeAction(rule.action) >>> 0, tests });
      out.set(nr, list);
    }
  });
  return out;
}

/**
 * libseccomp's node count for a syscall's rules, or undefined where its merge is not
 * modelled; throws where libseccomp cannot build them at all.
 */
function nodesOf(sys: SyscallPlan, arch: ArchInfo): number | undefined {
  if (sys.program) return sys.program.graph.nodes;
  const adds = sys.adds ?? sys.rules;
  try {
    return libseccompGraph(adds, arch).nodes;
  } catch (err) {
    if (!(err instanceof MergeStopped || err instanceof DbStop)) throw err;
    if (libseccompFails(err)) throw stopped(err, adds, arch, sys.nr);
    return undefined;
  }
}

function refusal(plan: ArchPlan, sys: SyscallPlan, why: string): CompileError {
  return new CompileError(
    { reason: 'overlap', feature: 'noNrLoad', arch: plan.arch.name, syscall: sys.nr, rules: sys.rules.map((r) => r.rule) },
    `syscall ${sys.nr} on ${plan.arch.name} has overlapping rules, whose verdicts are libseccomp's program's; ${why}`,
  );
}

/** The entries of one filter in libseccomp's list, or a refusal where a count is unknown. */
function heldEntries(profile: Profile, plan: ArchPlan, native: ArchName, modelled: SyscallPlan): Held[] {
  const out: Held[] = [];
  for (const sys of plan.syscalls.values()) {
    const nodes = nodesOf(sys, plan.arch);
    if (nodes === undefined) throw refusal(plan, modelled, `whether libseccomp loads the syscall number on ${plan.arch.name} depends on syscall ${sys.nr}, whose rules the compiler cannot merge as libseccomp does`);
    out.push({ nr: sys.nr, priority: priorityOf(profile, sys.rules.map((r) => r.rule), nodes), pseudo: false });
  }
  for (const [nr, rules] of pseudoRules(profile, plan.arch, native)) {
    let nodes: number;
    try {
      nodes = mergeRules(rules, plan.arch.bits).nodes;
    } catch (err) {
      if (!(err instanceof MergeStopped)) throw err;
      if (libseccompFails(err)) throw stopped(err, rules, plan.arch, nr);
      throw refusal(plan, modelled, `whether libseccomp loads the syscall number there depends on its rules for pseudo syscall ${nr}, which the compiler cannot merge as libseccomp does`);
    }
    out.push({ nr: nr >>> 0, priority: priorityOf(profile, rules.map((r) => r.rule), nodes), pseudo: true });
  }
  return out;
}

/** Whether a rule names a socket or IPC call (by name, or by a pseudo number in their ranges). */
function namesMultiplexed(profile: Profile, native: ArchName): boolean {
  const muxed = (s: string | number): boolean => {
    if (typeof s === 'string') return isMultiplexedName(s);
    if (s < 0) return s <= -100 && s > -300;
    // A number is the native arch's syscall, translated by its name.
    const name = syscallName(s, native);
    return name !== undefined && isMultiplexedName(name);
  };
  return profile.rules.some((r) => r.syscalls.some(muxed));
}

/** Refuses a profile whose modelled syscalls sit on an arch where libseccomp never loads nr. */
export function checkNrLoad(profile: Profile, plans: readonly ArchPlan[], native: ArchName): void {
  if (profile.attributes?.optimize === 2) return;
  for (const group of listGroups(filterOrder(profile, plans, native))) {
    const abiAlone = group.length === 1 && (group[0]!.arch.name === 'x86_64' || group[0]!.arch.name === 'x32');
    if (abiAlone) continue;
    const modelled = group.flatMap((plan) => [...plan.syscalls.values()].filter((s) => s.program).map((sys) => ({ plan, sys })));
    if (!modelled.length) continue;
    const { plan, sys } = modelled[0]!;
    // On socketcall/ipc arches libseccomp was seen to leave nr unloaded with a socket or IPC
    // rule in the list (s390x, mips o32: the differential's seeds 1 and 2); where that happens
    // is not modelled, so overlapping rules there are refused rather than guessed.
    const muxed = group.find((p) => (p.arch.socketcall !== undefined || p.arch.ipc !== undefined) && namesMultiplexed(profile, native));
    if (muxed) throw refusal(muxed, sys, `whether libseccomp's program for ${muxed.arch.name} loads the syscall number beside socket or IPC rules is not modelled`);
    if (group.every((p) => pseudoRules(profile, p.arch, native).size === 0)) continue;
    const head = syscallList(group.map((p) => heldEntries(profile, p, native, sys)))[0];
    if (head?.pseudo) throw refusal(plan, sys, `libseccomp's program for ${plan.arch.name} never loads the syscall number (its list is headed by pseudo syscall ${head.nr | 0}, which it leaves out), so it compares the arch instead`);
  }
}
