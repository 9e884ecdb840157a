/**
 * Where libseccomp 2.5.4's whole-filter layout decides verdicts (src/gen_bpf.c
 * _gen_bpf_build_bpf). A block that relies on the accumulator gets a load put in front only
 * when the block that pulls it into the program ends with another word; other ways into it
 * keep what they hold. Blocks are shared between syscalls and arches (equal code, equal
 * exits), so which block pulls a shared one in first depends on the order libseccomp walks
 * the syscalls: arches last to first, and within an arch (x86_64 and x32 together) its
 * syscall list from the end — the list is by priority, highest first (a user priority,
 * then fewer tree nodes), ties by number.
 *
 * merge.ts lays each modelled syscall out as if alone; when some other syscall's blocks
 * could pull its blocks first, this redoes the walk over the whole filter.
 */
import type { ArchInfo, ArchName } from '../arch.js';
import type { Profile } from '../profile/model.js';
import { layOut, pullers, type GenGraph } from './db/generate.js';
import { DbStop } from './db/node.js';
import { MergeStopped } from './db/syscall.js';
import { CompileError } from './errors.js';
import type { ArchPlan, SyscallPlan } from './lower.js';
import { filterOrder, listGroups, priorityOf, syscallList, type Listed } from './list.js';
import { libseccompFails, libseccompGraph, stopped } from './merge.js';
import { checkNrLoad } from './nrload.js';

interface Entry extends Listed {
  readonly plan: ArchPlan;
  readonly sys: SyscallPlan;
}

function layoutRefusal(arch: ArchInfo, sys: SyscallPlan, why: string): CompileError {
  return new CompileError(
    { reason: 'overlap', feature: 'layoutDependent', arch: arch.name, syscall: sys.nr, rules: sys.rules.map((r) => r.rule) },
    `syscall ${sys.nr} on ${arch.name}: libseccomp 2.5.4 compares an argument word it no longer holds in some calls, and whether it reloads it first depends on its layout of the whole filter, which ${why}`,
  );
}

/** The libseccomp blocks of every syscall with conditions, by plan; null for those without. */
function graphsOf(plans: readonly ArchPlan[], exposed: { plan: ArchPlan; sys: SyscallPlan }): Map<SyscallPlan, GenGraph | null> {
  const out = new Map<SyscallPlan, GenGraph | null>();
  for (const plan of plans) {
    for (const sys of plan.syscalls.values()) {
      if (sys.program) {
        out.set(sys, sys.program.graph);
        continue;
      }
      const only = sys.rules[0]!;
      if (sys.rules.length === 1 && only.tests.length === 0) {
        out.set(sys, null);
        continue;
      }
      try {
        const g = libseccompGraph(sys.adds ?? sys.rules, plan.arch);
        out.set(sys, 'rule' in g ? null : g);
      } catch (err) {
        if (!(err instanceof MergeStopped || err instanceof DbStop)) throw err;
        // Another syscall's rules libseccomp cannot build: the whole profile fails there.
        if (libseccompFails(err)) throw stopped(err, sys.adds ?? sys.rules, plan.arch, sys.nr);
        throw layoutRefusal(exposed.plan.arch, exposed.sys, `depends on the code of syscall ${sys.nr} on ${plan.arch.name}, whose rules the compiler cannot merge as libseccomp does (${err.message})`);
      }
    }
  }
  return out;
}

/** Whether some syscall's rules are modelled (merge.ts): else settleLayout has nothing to do. */
export function modelsAny(plans: readonly ArchPlan[]): boolean {
  for (const plan of plans) for (const sys of plan.syscalls.values()) if (sys.program) return true;
  return false;
}

/**
 * The plans with every modelled syscall laid out as libseccomp lays out the whole filter;
 * unchanged when no modelled syscall's verdicts depend on its layout.
 */
export function settleLayout(profile: Profile, plans: readonly ArchPlan[], native: ArchName): readonly ArchPlan[] {
  checkNrLoad(profile, plans, native);
  const exposed = plans.flatMap((plan) => [...plan.syscalls.values()].filter((sys) => sys.program?.exposed).map((sys) => ({ plan, sys })));
  if (!exposed.length) return plans;
  const first = exposed[0]!;
  if (profile.attributes?.optimize === 2) throw layoutRefusal(first.plan.arch, first.sys, 'the compiler does not model with the binary-tree layout (optimize: 2)');
  const graphs = graphsOf(plans, first);
  const entriesOf = (plan: ArchPlan): Entry[] => [...plan.syscalls.values()].map((sys) =>
    ({ plan, sys, nr: sys.nr, priority: priorityOf(profile, sys.rules.map((r) => r.rule), graphs.get(sys)?.nodes ?? 0) }));
  // Walked from the end of the program: the last group first, each list from its end.
  const walk = listGroups(filterOrder(profile, plans, native)).reverse().flatMap((g) => syscallList(g.map(entriesOf)).reverse());
  const pulled = pullers(walk.flatMap((e) => graphs.get(e.sys) ?? []));
  return plans.map((plan) => {
    const syscalls = new Map<number, SyscallPlan>();
    for (const [nr, sys] of plan.syscalls) syscalls.set(nr, sys.program ? { ...sys, program: layOut(sys.program.graph, pulled) } : sys);
    return { ...plan, syscalls };
  });
}
