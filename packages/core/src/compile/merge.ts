/**
 * A syscall's rules → what the program decides for it. Rules that cannot both match a call
 * with different actions commute, and compile to the compiler's own decision tree (emit.ts).
 * Otherwise libseccomp's verdict depends on how its rule database merges them, so the merge
 * is modelled (db/) and the tree it leaves is emitted as libseccomp's generator reads it.
 */
import { actionsEqual, encodeAction } from '../actions.js';
import type { ArchInfo } from '../arch.js';
import { BPF_MAXINSNS } from '../bpf/opcodes.js';
import { testsDisjoint } from './conditions.js';
import { DbStop, type StopKind } from './db/node.js';
import { generateGraph, layOut, nodeOffset, type GenGraph } from './db/generate.js';
import { MergeStopped, mergeRules } from './db/syscall.js';
import { CompileError } from './errors.js';
import type { RulePlan, SyscallPlan } from './lower.js';

/** Whether no call can satisfy both rules: some argument both test with disjoint sets. */
export function rulesDisjoint(a: RulePlan, b: RulePlan): boolean {
  return a.tests.some((ta) => b.tests.some((tb) => ta.arg === tb.arg && testsDisjoint(ta, tb)));
}

/** Two rules with different actions that may both match one call, among `rules`. */
function firstOverlap(rules: readonly RulePlan[]): readonly [RulePlan, RulePlan] | undefined {
  for (let i = 0; i < rules.length; i++) {
    for (let j = i + 1; j < rules.length; j++) {
      const a = rules[i]!;
      const b = rules[j]!;
      if (!actionsEqual(a.action, b.action) && !rulesDisjoint(a, b)) return [a, b];
    }
  }
  return undefined;
}

const WHY: Readonly<Record<StopKind, string>> = {
  eexist: 'libseccomp 2.5.4 refuses the later rule (EEXIST) while merging it, so it cannot build this profile either',
  libseccompLoops: 'libseccomp 2.5.4 never finishes building these rules (its tree becomes a cycle)',
  useAfterFree: 'libseccomp 2.5.4 reads a tree node it has freed while merging these rules, so its program is undefined',
  lostAction: 'libseccomp 2.5.4 would return a value no rule gave (it copies an action into the wrong field)',
  sameArgTwice: 'a rule tests one argument twice, which libseccomp refuses (EINVAL)',
  tooComplex: 'merging them as libseccomp does takes more steps than the compiler allows for this many rules',
  tooLong: 'libseccomp\'s code for them is longer than a program may be',
};

/** The refusal for a merge that stopped; `adds` the rules given to it (those up to the stop are named). */
export function stopped(err: MergeStopped | DbStop, adds: readonly { readonly rule: number }[], arch: ArchInfo, syscall: string | number): CompileError {
  const stop = err instanceof MergeStopped ? err.stop : err;
  const upTo = err instanceof MergeStopped ? adds.slice(0, err.at + 1) : adds;
  const rules = [...new Set(upTo.map((r) => r.rule))];
  if (stop.kind === 'tooLong') {
    return new CompileError({ reason: 'tooLong', limit: BPF_MAXINSNS, arch: arch.name, syscall, rules }, `${String(syscall)} on ${arch.name}: ${stop.message}; the kernel takes at most ${BPF_MAXINSNS}`);
  }
  return new CompileError(
    { reason: 'overlap', feature: stop.kind, arch: arch.name, syscall, rules },
    `${String(syscall)} on ${arch.name}, rules ${rules.map((r) => `[${r}]`).join(', ')}: ${WHY[stop.kind]} (${stop.message})`,
  );
}

/** Stops that mean libseccomp cannot build the profile at all (it fails or never returns). */
export function libseccompFails(err: MergeStopped | DbStop): boolean {
  const { kind } = err instanceof MergeStopped ? err.stop : err;
  return kind === 'eexist' || kind === 'libseccompLoops' || kind === 'sameArgTwice';
}

/**
 * libseccomp's blocks for the syscall's rules (in the order libseccomp receives them), or
 * the rule that decides alone when its tree collapses to one action. Throws MergeStopped or
 * DbStop where libseccomp fails.
 */
export function libseccompGraph(adds: readonly RulePlan[], arch: ArchInfo): GenGraph | { readonly rule: number; readonly nodes: number } {
  const merged = mergeRules(adds.map((r) => ({ rule: r.rule, action: encodeAction(r.action) >>> 0, tests: r.tests })), arch.bits);
  if (merged.kind === 'action') return { rule: merged.rule, nodes: merged.nodes };
  return generateGraph(merged.root, merged.ctx, nodeOffset(arch.endian), merged.nodes);
}

/**
 * libseccomp's tree for the syscall, as its generator reads it: `adds` are the rules in the
 * order libseccomp receives them (a rule naming the syscall twice is added twice).
 */
function modelled(nr: number, rules: RulePlan[], adds: readonly RulePlan[], arch: ArchInfo, syscall: string | number): SyscallPlan {
  try {
    const graph = libseccompGraph(adds, arch);
    if ('rule' in graph) return { nr, rules: [rules.find((r) => r.rule === graph.rule)!] };
    // Laid out as if alone; layout.ts revisits it when other syscalls share its blocks.
    return { nr, rules, adds, program: layOut(graph) };
  } catch (err) {
    if (err instanceof MergeStopped || err instanceof DbStop) throw stopped(err, adds, arch, syscall);
    throw err;
  }
}

/**
 * Rules that never both match can still meet in libseccomp's tree, where it refuses the
 * later one (EEXIST) when their chains share a node and differ in action there: seen with a
 * condition no value meets on the arch, such as `gt 0xffffffff` on a 32-bit arch.
 */
function checkMerges(adds: readonly RulePlan[], arch: ArchInfo, syscall: string | number): void {
  try {
    mergeRules(adds.map((r) => ({ rule: r.rule, action: encodeAction(r.action) >>> 0, tests: r.tests })), arch.bits);
  } catch (err) {
    // Only a refusal counts: the rules commute, so the compiler does not need libseccomp's tree.
    if (err instanceof MergeStopped && err.stop.kind === 'eexist') throw stopped(err, adds, arch, syscall);
    if (!(err instanceof MergeStopped)) throw err;
  }
}

/**
 * Per syscall: libseccomp lets the first rule without conditions decide alone (later rules
 * are dropped unseen), after merging the conditional rules before it. When no two of those
 * overlap with different actions, the rules commute; otherwise the merge is modelled.
 */
export function settle(nr: number, rules: RulePlan[], adds: readonly RulePlan[], arch: ArchInfo, syscall: string | number): SyscallPlan {
  const first = rules.findIndex((r) => r.tests.length === 0);
  const merged = first < 0 ? rules : rules.slice(0, first);
  if (firstOverlap(merged)) return modelled(nr, rules, adds, arch, syscall);
  if (new Set(merged.map((r) => encodeAction(r.action))).size > 1) checkMerges(adds, arch, syscall);
  return first < 0 ? { nr, rules, adds } : { nr, rules: [rules[first]!] };
}
