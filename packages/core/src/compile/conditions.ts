/**
 * Conditions as the filter tests them on one arch. libseccomp's semantics: on a 64-bit arch
 * the whole register is compared (high word, then low word); on a 32-bit arch only the low
 * word exists, so the datum and mask lose their high words. A 32-bit-width condition reaches
 * here as libseccomp receives it (compare.ts `toArgCmp`: eq and maskedEq become a masked
 * compare of the low word).
 */
import { compareHolds } from '../compare-holds.js';
import { compareOpName, toArgCmp, type CompareOp, type Condition } from '../compare.js';

export type Bits = 32 | 64;

export interface ArgTest {
  readonly arg: number;
  readonly op: CompareOp;
  /** Already truncated to the arch's width; for maskedEq already `& mask`. */
  readonly datum: bigint;
  /** Only for maskedEq. */
  readonly mask: bigint;
  readonly bits: Bits;
  /** maskedEq: the datum before masking, as libseccomp keeps it (its merge compares these). */
  readonly full?: bigint;
}

const ALL = (bits: Bits): bigint => (bits === 64 ? (1n << 64n) - 1n : 0xffffffffn);

/** The test a condition becomes on an arch of `bits`, or undefined when it always holds. */
export function lowerCondition(c: Condition, bits: Bits): ArgTest | undefined {
  const cmp = toArgCmp(c);
  const op = compareOpName(cmp.op);
  const all = ALL(bits);
  if (op === 'maskedEq') {
    const mask = cmp.datumA & all;
    // libseccomp generates nothing for a mask with no bits on the words it compares.
    if (mask === 0n) return undefined;
    return { arg: cmp.arg, op, mask, datum: cmp.datumB & mask, bits, full: cmp.datumB };
  }
  return { arg: cmp.arg, op, datum: cmp.datumA & all, mask: 0n, bits };
}

/** Whether the raw 64-bit argument passes the test (the compiled program's meaning). */
export function testHolds(t: ArgTest, value: bigint): boolean {
  return compareHolds(t.op, value & ALL(t.bits), t.datum, t.mask);
}

type Range = readonly [lo: bigint, hi: bigint];

/** The values an ordering test accepts, as inclusive ranges (maskedEq has no such form). */
function ranges(t: ArgTest): Range[] | undefined {
  const max = ALL(t.bits);
  const d = t.datum;
  const keep = (rs: Range[]) => rs.filter(([lo, hi]) => lo <= hi);
  switch (t.op) {
    case 'eq': return [[d, d]];
    case 'ne': return keep([[0n, d - 1n], [d + 1n, max]]);
    case 'lt': return keep([[0n, d - 1n]]);
    case 'le': return [[0n, d]];
    case 'gt': return keep([[d + 1n, max]]);
    case 'ge': return [[d, max]];
    case 'maskedEq': return t.mask === max ? [[d, d]] : undefined;
  }
}

/**
 * Whether no argument value passes both tests (same arg, same width). Conservative: false
 * whenever disjointness is not provable cheaply, so a caller refusing overlaps never misses one.
 */
export function testsDisjoint(a: ArgTest, b: ArgTest): boolean {
  const ra = ranges(a);
  const rb = ranges(b);
  if (ra && rb) return ra.every(([alo, ahi]) => rb.every(([blo, bhi]) => ahi < blo || bhi < alo));
  if (!ra && !rb) return ((a.datum ^ b.datum) & a.mask & b.mask) !== 0n;
  const [masked, ordered] = ra ? [b, ra] : [a, rb!];
  // Every value a masked test accepts lies between its datum and datum | ~mask.
  const lo = masked.datum;
  const hi = masked.datum | (ALL(masked.bits) & ~masked.mask);
  if (ordered.every(([olo, ohi]) => ohi < lo || hi < olo)) return true;
  // A masked test against a single value: that value either has the bits or not.
  if (ordered.length === 1 && ordered[0]![0] === ordered[0]![1]) return (ordered[0]![0] & masked.mask) !== masked.datum;
  return false;
}
