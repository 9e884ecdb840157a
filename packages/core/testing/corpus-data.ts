/**
 * The libseccomp bpf-sim corpus (conformance/README.md) as typed data, and the harness's
 * expansion of a case line into simulated syscalls. Pure: no library, no runtime API.
 */
import corpusJson from './conformance/libseccomp-sim-corpus.json' with { type: 'json' };
import numbersJson from './conformance/case-syscall-numbers.json' with { type: 'json' };
import archJson from './conformance/arch-info.json' with { type: 'json' };

export type CorpusAction = 'ALLOW' | 'KILL' | 'KILL_PROCESS' | 'TRAP' | 'LOG' | 'NOTIFY' | { errno: number } | { trace: number };

export interface CorpusArg {
  arg: number;
  op: 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE' | 'MASKED_EQ';
  value: string;
  mask?: string;
}

export interface CorpusRule {
  action: CorpusAction;
  syscall: string | number;
  args: CorpusArg[];
  exact: boolean;
  priority?: number;
  expectError?: true;
}

export type CorpusStep =
  | ({ op: 'addRule' } & CorpusRule)
  | { op: 'setSyscallPriority'; syscall: string | number; priority: number }
  | { op: 'reset'; defaultAction?: CorpusAction }
  | { op: 'merge'; filter: CorpusFilter }
  | { op: 'addArch' | 'removeArch'; arch: string }
  | { op: 'precompute' | 'transactionStart' | 'transactionCommit' | 'transactionReject' }
  | {
      op: 'addRuleForEachNativeSyscall';
      action: CorpusAction;
      numberRange: [number, number];
      maxRules: number;
      excludeSyscalls: string[];
      args: CorpusArg[];
      exact: boolean;
    };

export interface CorpusFilter {
  defaultAction: CorpusAction;
  arches: string[];
  apiLevel?: number;
  attributes: { optimize?: number; apiTskip?: number };
  rules?: CorpusRule[];
  steps?: CorpusStep[];
}

/** One case value: null (argument not passed: 0), one hex value, or an inclusive hex range. */
export type CorpusValue = null | string | [string, string];

export interface CorpusCase {
  arch: string[];
  syscall: string | number | [number, number];
  args: CorpusValue[];
  expect: CorpusAction;
}

export interface CorpusEntry {
  id: string;
  about: string;
  minVersion?: string;
  minVersionReason?: string;
  notes?: string;
  filter: CorpusFilter;
  cases: CorpusCase[];
}

export interface CorpusArch {
  auditArch: number;
  endian: 'little' | 'big';
  bits: 32 | 64;
}

export const CORPUS: readonly CorpusEntry[] = corpusJson as unknown as CorpusEntry[];

const GROUPS = (archJson as unknown as { groups: Record<string, string[]> }).groups;
const RAW_ARCHES = (archJson as unknown as { arches: Record<string, { auditArch: string; endian: 'little' | 'big'; bits: 32 | 64 }> }).arches;
const NUMBERS = (numbersJson as unknown as { numbers: Record<string, Record<string, number>> }).numbers;

/** The 23 arches the corpus knows, with the seccomp_data facts the harness uses. */
export const CORPUS_ARCHES: Readonly<Record<string, CorpusArch>> = Object.fromEntries(
  Object.entries(RAW_ARCHES).map(([name, a]) => [name, { auditArch: Number(a.auditArch) >>> 0, endian: a.endian, bits: a.bits }]),
);

export function corpusArch(name: string): CorpusArch {
  const a = CORPUS_ARCHES[name];
  if (!a) throw new RangeError(`The corpus has no arch "${name}".`);
  return a;
}

/** The harness's number for a case's syscall name on `arch` (scmp_sys_resolver -t), as a u32. */
export function caseSyscallNumber(name: string, arch: string): number {
  const nr = NUMBERS[name]?.[arch];
  if (nr === undefined) throw new RangeError(`case-syscall-numbers.json has no number for ${name} on ${arch}.`);
  return nr >>> 0;
}

/** Every (name, arch, number) the numbers file lists, for cross-checking the SDK's own tables. */
export function caseSyscallTable(): { name: string; arch: string; nr: number }[] {
  return Object.entries(NUMBERS).flatMap(([name, byArch]) => Object.entries(byArch).map(([arch, nr]) => ({ name, arch, nr })));
}

/** Expands a case's Arch column for `native` exactly as tests/regression does. */
export function expandArchTokens(tokens: readonly string[], native: string): string[] {
  const added: string[] = [];
  const removed = new Set<string>();
  for (const token of tokens) {
    if (token.startsWith('-')) removed.add(token.slice(1));
    else if (token.startsWith('+')) added.push(...(GROUPS[token.slice(1)] ?? [knownArch(token.slice(1))]));
    else if (token === 'all') added.push(native);
    else if (GROUPS[token]) {
      if (GROUPS[token]!.includes(native)) added.push(native);
    } else if (knownArch(token) === native) added.push(native);
  }
  return [...new Set(added)].filter((a) => !removed.has(a));
}

function knownArch(name: string): string {
  corpusArch(name);
  return name;
}

/** SSIZE_MAX of the native arch, which entries 04 and 05 compare with. */
export function ssizeMax(native: string): bigint {
  return corpusArch(native).bits === 32 ? 0x7fffffffn : 0x7fffffffffffffffn;
}

/** A rule value: hex, or the symbol SSIZE_MAX. */
export function ruleValue(text: string, native: string): bigint {
  return text === 'SSIZE_MAX' ? ssizeMax(native) : BigInt(text);
}

/** One simulated syscall. `args` is reused between callbacks: copy it to keep it. */
export interface SimInput {
  arch: string;
  nr: number;
  args: bigint[];
}

function caseNumbers(c: CorpusCase, arch: string): number[] {
  const s = c.syscall;
  if (typeof s === 'string') return [caseSyscallNumber(s, arch)];
  if (typeof s === 'number') return [s >>> 0];
  return Array.from({ length: s[1] - s[0] + 1 }, (_, i) => (s[0] + i) >>> 0);
}

function valueRange(v: CorpusValue): [bigint, bigint] {
  if (v === null) return [0n, 0n];
  if (typeof v === 'string') return [BigInt(v), BigInt(v)];
  return [BigInt(v[0]), BigInt(v[1])];
}

/** How many simulated syscalls a case line is, without running them. */
export function caseCount(c: CorpusCase, native: string): number {
  const per = c.args.reduce((n, v) => {
    const [lo, hi] = valueRange(v);
    return n * Number(hi - lo + 1n);
  }, 1);
  const nrs = Array.isArray(c.syscall) ? c.syscall[1] - c.syscall[0] + 1 : 1;
  return expandArchTokens(c.arch, native).length * nrs * per;
}

/** Calls `visit` for every simulated syscall of a case line: arch × nr × cartesian args. */
export function forEachSim(c: CorpusCase, native: string, visit: (sim: SimInput) => void): void {
  const ranges = c.args.map(valueRange);
  const args = ranges.map(([lo]) => lo);
  const sim: SimInput = { arch: '', nr: 0, args };
  const walk = (i: number): void => {
    if (i === ranges.length) return visit(sim);
    for (let v = ranges[i]![0]; v <= ranges[i]![1]; v++) {
      args[i] = v;
      walk(i + 1);
    }
  };
  for (const arch of expandArchTokens(c.arch, native)) {
    sim.arch = arch;
    for (const nr of caseNumbers(c, arch)) {
      sim.nr = nr;
      walk(0);
    }
  }
}

/** Whether an entry's filter (steps included, merged filters too) uses any of `ops`. */
export function usesSteps(filter: CorpusFilter, ops: readonly string[]): boolean {
  return (filter.steps ?? []).some((s) => ops.includes(s.op) || (s.op === 'merge' && usesSteps(s.filter, ops)));
}

/** Every arch a filter adds: its list (unless native-only), merged filters' and addArch steps'. */
export function filterArches(filter: CorpusFilter): string[] {
  const own = filter.arches.filter((a) => a !== 'native');
  const fromSteps = (filter.steps ?? []).flatMap((s) => (s.op === 'merge' ? filterArches(s.filter) : s.op === 'addArch' ? [s.arch] : []));
  return [...new Set([...own, ...fromSteps])];
}
