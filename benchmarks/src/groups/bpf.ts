/**
 * Group 4, BPF instructions executed per syscall, from core's emulator: deterministic where
 * time is noisy. For each profile and every syscall of the native arch:
 *   - unconditionally allowed: instructions the filter runs, and whether the kernel caches
 *     the syscall (then it runs 0: "effective")
 *   - argument-checked: instructions over argument vectors made from the rule's own values
 *     (each compared value, and one past it, and all zeros); never cacheable
 *   - denied (the default action or a deny rule): the deny path
 * A set of filters (lockdown installs two) is one stack: the kernel caches a syscall only when
 * every filter allows it from nr/arch alone, and otherwise runs every filter.
 * No filter is loaded here; the programs are the ones every runtime was checked to generate.
 */
import { archInfo, decodeBpf, emulate, prepare, resolveSyscall, syscallNames, type ArchName, type Profile, type SockFilter } from '@seccomp/node';
import { setLabel, type FilterSetName } from '../scenarios/profiles.js';
import type { Context } from '../runner/context.js';
import { isConstAllow } from './cache.js';

export interface Spread {
  count: number;
  mean: number;
  max: number;
}

export interface BpfSetResult {
  label: string;
  /** Instructions of each program, in load order. */
  lengths: number[];
  allowed: Spread & { cacheable: number; notCacheable: string[]; effectiveMean: number };
  /** byFilter: the most any one of the set's filters runs for them (their sum can exceed max: different worst cases). */
  argChecked: Spread & { names: string[]; byFilter: number[] };
  denied: Spread;
  /** Effective instructions (0 when cached) for the calls the syscall group times, with their usual arguments. */
  hot: Record<'getppid' | 'openat' | 'read' | 'close', number>;
}

export interface BpfResult {
  sets: Partial<Record<FilterSetName, BpfSetResult>>;
}

const U64 = (1n << 64n) - 1n;
const ZERO = [0n, 0n, 0n, 0n, 0n, 0n];
const HOT_ARGS: Record<string, bigint[]> = {
  getppid: [0n],
  openat: [BigInt.asUintN(64, -100n), 0x7f00_0000_1000n, 0o2000000n, 0n], // AT_FDCWD, path, O_RDONLY|O_CLOEXEC
  read: [3n, 0x7f00_0000_2000n, 4096n],
  close: [3n],
};

function spread(values: readonly number[]): Spread {
  return { count: values.length, mean: values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0, max: values.length ? Math.max(...values) : 0 };
}

type Kind = 'allowed' | 'argChecked' | 'denied';

/**
 * How a stack of profiles treats a syscall, from the profiles themselves (the BPF must then
 * agree): argument-checked if any profile checks its arguments, denied if any denies it
 * outright, else allowed. Argument vectors come from the checks' own values, and one past.
 */
function classify(profiles: readonly Profile[], name: string): { kind: Kind; vectors: bigint[][] } {
  const vectors: bigint[][] = [ZERO];
  let kind: Kind = 'allowed';
  for (const profile of profiles) {
    const rules = profile.rules.filter((r) => r.syscalls.includes(name));
    const conditional = rules.filter((r) => r.conditions?.length);
    for (const rule of conditional) {
      for (const c of rule.conditions!) {
        for (const v of [c.value, (c.value + 1n) & U64]) {
          const args = [...ZERO];
          args[c.arg] = v;
          vectors.push(args);
        }
      }
    }
    if (conditional.length) {
      if (kind !== 'denied') kind = 'argChecked';
      continue;
    }
    const action = rules[0]?.action ?? profile.defaultAction;
    if (action.kind !== 'allow') kind = 'denied';
  }
  return { kind, vectors: kind === 'argChecked' ? vectors : [ZERO] };
}

export function analyse(profiles: readonly Profile[], programs: readonly Uint8Array[], arch: ArchName): Omit<BpfSetResult, 'label'> {
  const info = archInfo(arch);
  const decoded: SockFilter[][] = programs.map((p) => decodeBpf(p));
  const prepared = decoded.map((p) => prepare(p, info.endian));
  /** Every filter runs; the verdict is allowed only if each allows. */
  const run = (nr: number, args: readonly bigint[]) => {
    let instructions = 0;
    let allowed = true;
    const each: number[] = [];
    for (const p of prepared) {
      const r = emulate(p, { arch, syscall: nr, args });
      instructions += r.instructions;
      each.push(r.instructions);
      if (r.action.kind !== 'allow') allowed = false;
    }
    return { instructions, allowed, each };
  };
  const cached = (nr: number) => decoded.every((p) => isConstAllow(p, nr, info.auditArch));
  const allowed: number[] = [];
  const effective: number[] = [];
  const notCacheable: string[] = [];
  const checked: number[] = [];
  const checkedNames: string[] = [];
  const byFilter = prepared.map(() => 0);
  const denied: number[] = [];
  for (const name of syscallNames(arch)) {
    const nr = resolveSyscall(name, arch);
    const { kind, vectors } = classify(profiles, name);
    if (kind === 'argChecked') {
      checkedNames.push(name);
      for (const args of vectors) {
        const r = run(nr, args);
        checked.push(r.instructions);
        r.each.forEach((n, i) => (byFilter[i] = Math.max(byFilter[i]!, n)));
      }
      continue;
    }
    const r = run(nr, ZERO);
    if (kind === 'denied') {
      if (r.allowed) throw new Error(`${name} should be denied; the emulator allows it`);
      denied.push(r.instructions);
      continue;
    }
    if (!r.allowed) throw new Error(`${name} should be allowed; the emulator refuses it`);
    allowed.push(r.instructions);
    const isCached = cached(nr);
    effective.push(isCached ? 0 : r.instructions);
    if (!isCached) notCacheable.push(name);
  }
  const hot = {} as BpfSetResult['hot'];
  for (const [name, args] of Object.entries(HOT_ARGS) as [keyof BpfSetResult['hot'], bigint[]][]) {
    const nr = resolveSyscall(name, arch);
    hot[name] = cached(nr) ? 0 : run(nr, args).instructions;
  }
  const a = spread(allowed);
  return {
    lengths: decoded.map((p) => p.length),
    allowed: { ...a, cacheable: a.count - notCacheable.length, notCacheable, effectiveMean: spread(effective).mean },
    argChecked: { ...spread(checked), count: checkedNames.length, names: checkedNames, byFilter },
    denied: spread(denied),
    hot,
  };
}

export function bpfGroup(ctx: Context): BpfResult {
  const sets: BpfResult['sets'] = {};
  for (const [name, programs] of Object.entries(ctx.bpf) as [FilterSetName, Uint8Array[]][]) {
    sets[name] = { label: setLabel(name), ...analyse(ctx.sets[name], programs, ctx.arch) };
  }
  return { sets };
}
