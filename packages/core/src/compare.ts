/**
 * Argument comparisons (libseccomp's `struct scmp_arg_cmp`): `arg(1).eq(0o700)`.
 * Conditions of one rule AND together; several rules for one syscall OR.
 */
import { compareHolds } from './compare-holds.js';

/** enum scmp_compare in seccomp.h. */
export const CMP = Object.freeze({ ne: 1, lt: 2, le: 3, eq: 4, ge: 5, gt: 6, maskedEq: 7 } as const);
export type CompareOp = keyof typeof CMP;
export type ArgIndex = 0 | 1 | 2 | 3 | 4 | 5;
export type Width = 32 | 64;

export interface Condition {
  readonly arg: ArgIndex;
  readonly op: CompareOp;
  /** The value compared with (for maskedEq: what `arg & mask` must equal). */
  readonly value: bigint;
  /** Only for maskedEq; 0n otherwise. */
  readonly mask: bigint;
  /**
   * 64: the whole argument register. 32: the value is a C `int`/`unsigned`; it is
   * accepted from -2^31 to 2^32-1 and stored as its unsigned 32-bit pattern, so
   * `arg32(0).eq(-100)` matches AT_FDCWD. For eq and maskedEq only the low word is
   * compared (the kernel may leave garbage in the high word of an int argument).
   */
  readonly width: Width;
}

export type Numeric = number | bigint;

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffffffffn;
const I32_MIN = -(1n << 31n);
const I64_MIN = -(1n << 63n);

/** A 64-bit value from number or bigint; negatives become their two's complement. */
export function toU64(value: Numeric, what = 'A comparison value'): bigint {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw new RangeError(`${what} must be an integer within ±2^53 as a number (use a bigint for larger values), got ${value}.`);
    }
    value = BigInt(value);
  }
  if (typeof value !== 'bigint') throw new TypeError(`${what} must be a number or bigint, got ${typeof value}.`);
  if (value < I64_MIN || value > U64_MAX) throw new RangeError(`${what} does not fit in 64 bits: ${value}.`);
  return value < 0n ? value + (1n << 64n) : value;
}

/** A 32-bit value (C int or unsigned int); negatives become their two's complement. */
export function toU32(value: Numeric, what = 'A 32-bit comparison value'): bigint {
  const v = typeof value === 'number' ? (Number.isSafeInteger(value) ? BigInt(value) : NaN) : value;
  if (typeof v !== 'bigint' || v < I32_MIN || v > U32_MAX) {
    throw new RangeError(`${what} must be an integer from -2147483648 to 4294967295, got ${String(value)}.`);
  }
  return v < 0n ? v + (1n << 32n) : v;
}

function checkIndex(index: number): ArgIndex {
  if (!Number.isInteger(index) || index < 0 || index > 5) {
    throw new RangeError(`Syscall argument index must be 0 to 5, got ${String(index)}.`);
  }
  return index as ArgIndex;
}

export interface ArgBuilder {
  eq(value: Numeric): Condition;
  ne(value: Numeric): Condition;
  lt(value: Numeric): Condition;
  le(value: Numeric): Condition;
  gt(value: Numeric): Condition;
  ge(value: Numeric): Condition;
  /** `(arg & mask) === value`. */
  maskedEq(mask: Numeric, value: Numeric): Condition;
}

function builder(index: number, width: Width): ArgBuilder {
  const arg = checkIndex(index);
  const conv = width === 32 ? toU32 : toU64;
  const make = (op: CompareOp) => (value: Numeric): Condition =>
    Object.freeze({ arg, op, value: conv(value), mask: 0n, width });
  return {
    eq: make('eq'), ne: make('ne'), lt: make('lt'), le: make('le'), gt: make('gt'), ge: make('ge'),
    maskedEq: (mask, value) => {
      const m = conv(mask, 'A mask');
      return Object.freeze({ arg, op: 'maskedEq', value: conv(value) & m, mask: m, width });
    },
  };
}

/** Conditions on the 64-bit argument `index` (0–5). */
export function arg(index: number): ArgBuilder {
  return builder(index, 64);
}

/** Conditions on a 32-bit (C int) argument: `arg32(0).eq(-100)`. */
export function arg32(index: number): ArgBuilder {
  return builder(index, 32);
}

/** libseccomp's scmp_arg_cmp fields for a condition. */
export interface ArgCmp {
  arg: number;
  op: number;
  datumA: bigint;
  datumB: bigint;
}

/**
 * What libseccomp is given. A 32-bit eq becomes a masked compare of the low word so the
 * high word (undefined for int arguments) is ignored; other ops keep their meaning.
 */
export function toArgCmp(c: Condition): ArgCmp {
  if (c.width === 32 && c.op === 'eq') return { arg: c.arg, op: CMP.maskedEq, datumA: U32_MAX, datumB: c.value };
  if (c.op === 'maskedEq') {
    const mask = c.width === 32 ? c.mask & U32_MAX : c.mask;
    return { arg: c.arg, op: CMP.maskedEq, datumA: mask, datumB: c.value };
  }
  return { arg: c.arg, op: CMP[c.op], datumA: c.value, datumB: 0n };
}

/** The inverse of CMP: 4 → "eq". */
export function compareOpName(op: number): CompareOp {
  const found = (Object.entries(CMP) as [CompareOp, number][]).find(([, v]) => v === op);
  if (!found) throw new RangeError(`Unknown comparison operator ${op}: libseccomp defines 1 (NE) to 7 (MASKED_EQ).`);
  return found[0];
}

/** Whether `value` (the raw 64-bit argument) satisfies the condition; used by explain and tests. */
export function conditionHolds(c: Condition, value: bigint): boolean {
  const v = c.width === 32 && (c.op === 'eq' || c.op === 'maskedEq') ? value & U32_MAX : value & U64_MAX;
  return compareHolds(c.op, v, c.value, c.mask);
}

export function formatCondition(c: Condition): string {
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const a = `arg${c.width === 32 ? '32' : ''}(${c.arg})`;
  return c.op === 'maskedEq' ? `${a}.maskedEq(${hex(c.mask)}, ${hex(c.value)})` : `${a}.${c.op}(${hex(c.value)})`;
}
