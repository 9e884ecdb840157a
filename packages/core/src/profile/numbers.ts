/**
 * 64-bit values in JSON. A JSON number above 2^53 has already lost its low bits by the
 * time JSON.parse hands it over, so besides numbers we read decimal and `0x` hex strings,
 * and we write every value we own as a hex string.
 */

export const U64_MAX = (1n << 64n) - 1n;

/** 20 decimal digits or 16 hex digits hold any u64; the slack allows leading zeros. */
const U64_TEXT = /^(?:0[xX][0-9a-fA-F]{1,32}|[0-9]{1,40})$/;

/** A u64 from a JSON number or string, or undefined when the value is not one. */
export function parseU64(value: unknown): bigint | undefined {
  let v: bigint;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) return undefined;
    v = BigInt(value);
  } else if (typeof value === 'string' && U64_TEXT.test(value)) {
    v = BigInt(value);
  } else {
    return undefined;
  }
  return v <= U64_MAX ? v : undefined;
}

/** Whether a number may not be what the JSON text said (JSON.parse rounds above 2^53). */
export function isImprecise(value: unknown): boolean {
  return typeof value === 'number' && !Number.isSafeInteger(value);
}

export const U64_HINT = 'must be an integer from 0 to 2^64-1 (a number, or a decimal or "0x" hex string)';

export function hex(value: bigint): string {
  return `0x${value.toString(16)}`;
}

/** An integer in [min, max], for indexes, errno values and priorities. */
export function isIntIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}
