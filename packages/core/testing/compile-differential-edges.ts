/**
 * Two programs for one profile, compared everywhere that matters: every syscall number of
 * every arch the profile lists (the gaps in its table and 16 numbers past its end too), each
 * number's form in the other x86 ABI (bit 30 flipped), -1 and the word edges of nr, a few
 * numbers of an arch the profile does not list; and for each number, argument vectors that
 * sit on every edge of every condition a rule for it has (datum - 1, datum, datum + 1, the
 * other word garbage or clear, each mask bit flipped, the bits outside the mask set), with the
 * rule's other conditions held, so each edge is the one deciding.
 */
import {
  ARCHES, prepare, resolveSyscall, runPrepared, syscallName, syscallNames, X32_SYSCALL_BIT, SOCKETCALL_CALLS, IPC_CALLS,
  type ArchName, type Condition, type Endian, type Profile, type Rule,
} from '../src/internal.js';
import { byteSwapped } from './compile-differential-defects.js';
import { ALL_ARCHES, tableSpan } from './compile-differential-gen.js';
import { NATIVE } from './compile-differential-libseccomp.js';

const U64 = (1n << 64n) - 1n;
const U32 = 0xffffffffn;
const GARBAGE = 0x5eed0000n << 32n;

interface Target {
  audit: number;
  nr: number;
}

function addAll(into: Map<number, Set<number>>, audit: number, nrs: Iterable<number>): void {
  const set = into.get(audit) ?? new Set<number>();
  for (const n of nrs) set.add(n >>> 0);
  into.set(audit, set);
}

function span(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/** Every number worth asking about, per audit arch. */
export function edgeTargets(arches: readonly ArchName[]): Target[] {
  const by = new Map<number, Set<number>>();
  for (const arch of arches) {
    const [lo, hi] = tableSpan(arch);
    const own = [...span(Math.max(0, lo - 2), hi + 16), ...syscallNames(arch).map((n) => resolveSyscall(n, arch) >>> 0)];
    addAll(by, ARCHES[arch].auditArch, own);
    if (arch === 'x86_64' || arch === 'x32') addAll(by, ARCHES[arch].auditArch, own.map((n) => n ^ X32_SYSCALL_BIT));
    addAll(by, ARCHES[arch].auditArch, [0xffffffff, 0xfffffffe, 0x7fffffff, 0x80000000]);
  }
  const listed = new Set(arches.map((a) => ARCHES[a].auditArch));
  const foreign = ALL_ARCHES.find((a) => !listed.has(ARCHES[a].auditArch));
  if (foreign) addAll(by, ARCHES[foreign].auditArch, [...span(0, 8), ...syscallNames(foreign).slice(0, 8).map((n) => resolveSyscall(n, foreign))]);
  return [...by].flatMap(([audit, nrs]) => [...nrs].map((nr) => ({ audit, nr })));
}

const wrap = (v: bigint): bigint => BigInt.asUintN(64, v);

/** A value the condition holds for (where one exists), so another condition's edge decides. */
function satisfying(c: Condition): bigint {
  switch (c.op) {
    case 'ne': return c.value ^ 1n;
    case 'lt': return c.value === 0n ? 0n : c.value - 1n;
    case 'gt': return wrap(c.value + 1n);
    default: return c.value;
  }
}

/** The values around the condition's edges, as whole 64-bit registers. */
export function conditionEdges(c: Condition): bigint[] {
  const d = c.value;
  const out = [d - 1n, d, d + 1n, d ^ (1n << 32n), d | (U32 << 32n), d & U32, d & (U32 << 32n), 0n, U64];
  if (c.width === 32) out.push(GARBAGE | (d & U32), GARBAGE | ((d - 1n) & U32), GARBAGE | ((d + 1n) & U32), (d & 0x80000000n) !== 0n ? d | (U32 << 32n) : d);
  if (c.op === 'maskedEq') {
    for (let b = 0n; b < 64n; b++) if ((c.mask >> b) & 1n) out.push(d ^ (1n << b));
    out.push(d | (~c.mask & U64), d | (~c.mask & U32));
  }
  return [...new Set(out.map(wrap))];
}

/** Vectors for one number: plain ones, then each rule's conditions held and each edge tried. */
function vectors(rules: readonly Rule[]): bigint[][] {
  const zero = [0n, 0n, 0n, 0n, 0n, 0n];
  const out = [zero, zero.map(() => U64), zero.map((_, i) => GARBAGE | BigInt(i))];
  for (const rule of rules) {
    const conds = rule.conditions ?? [];
    if (!conds.length) continue;
    const base = [...zero];
    for (const c of conds) base[c.arg] = satisfying(c);
    out.push(base);
    for (const c of conds) for (const e of conditionEdges(c)) out.push(base.map((v, i) => (i === c.arg ? e : v)));
  }
  const seen = new Set<string>();
  return out.filter((v) => {
    const key = v.join(',');
    return !seen.has(key) && seen.add(key);
  });
}

/** The rules that name `nr` on an arch of this audit value (numbers are the native arch's). */
function rulesFor(profile: Profile, arches: readonly ArchName[], t: Target): Rule[] {
  const mine = arches.filter((a) => ARCHES[a].auditArch === t.audit);
  const multiplexer = mine.some((a) => ARCHES[a].socketcall === t.nr || ARCHES[a].ipc === t.nr);
  return profile.rules.filter((r) => r.syscalls.some((s) => {
    if (s === -1) return t.nr === 0xffffffff;
    const name = typeof s === 'string' ? s : syscallName(s, NATIVE);
    if (!name) return false;
    // socketcall/ipc carry the socket and IPC calls' rules on the arches that multiplex them.
    if (multiplexer && (name in SOCKETCALL_CALLS || name in IPC_CALLS)) return true;
    return mine.some((a) => resolveSyscall(name, a) >>> 0 === t.nr && resolveSyscall(name, a) >= 0);
  }));
}

/** socketcall's and ipc's first argument selects the call: each selector, and its neighbours. */
function selectorVectors(arches: readonly ArchName[], t: Target, base: bigint[][]): bigint[][] {
  const mine = arches.filter((a) => ARCHES[a].auditArch === t.audit);
  const codes = mine.some((a) => ARCHES[a].socketcall === t.nr) ? Object.values(SOCKETCALL_CALLS)
    : mine.some((a) => ARCHES[a].ipc === t.nr) ? Object.values(IPC_CALLS) : [];
  return [...new Set(codes.flatMap((k) => [k - 1, k, k + 1]))].flatMap((k) => base.map((v) => [BigInt(k), ...v.slice(1)]));
}

export interface EdgeComparison {
  calls: number;
  /** Calls where libseccomp returned the compiler's verdict byte-swapped (a known departure of its big-endian multi-arch programs). */
  byteSwapped: number;
  /** The first differences, described. */
  diffs: string[];
}

/** Every target × vector through both programs; raw return values must be equal. */
export function compareAtEdges(profile: Profile, ours: Uint8Array, theirs: Uint8Array, endian: Endian): EdgeComparison {
  const arches: readonly ArchName[] = profile.arches?.length ? profile.arches : [NATIVE];
  const a = prepare(ours, endian);
  const b = prepare(theirs, endian);
  const result: EdgeComparison = { calls: 0, byteSwapped: 0, diffs: [] };
  for (const t of edgeTargets(arches)) {
    const base = vectors(rulesFor(profile, arches, t));
    for (const args of [...base, ...selectorVectors(arches, t, base)]) {
      const va = runPrepared(a, t.nr, t.audit, args);
      const vb = runPrepared(b, t.nr, t.audit, args);
      result.calls++;
      if (va === vb) continue;
      if (byteSwapped(vb) === va) result.byteSwapped++;
      else if (result.diffs.length < 5) {
        result.diffs.push(`audit 0x${t.audit.toString(16)} nr=0x${t.nr.toString(16)} args=${args.map((x) => `0x${x.toString(16)}`).join(',')}: ours 0x${va.toString(16)}, libseccomp 0x${vb.toString(16)}`);
      }
    }
  }
  return result;
}
