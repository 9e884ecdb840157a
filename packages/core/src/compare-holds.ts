/**
 * The one reading of the seven comparisons, shared by compare.ts (a condition against a raw
 * argument) and the compiler's lowered tests. Internal: not exported from the package.
 */
import type { CompareOp } from './compare.js';

/** `v op datum` (for maskedEq: `(v & mask) === datum`), the one reading of the seven comparisons. */
export function compareHolds(op: CompareOp, v: bigint, datum: bigint, mask: bigint): boolean {
  switch (op) {
    case 'eq': return v === datum;
    case 'ne': return v !== datum;
    case 'lt': return v < datum;
    case 'le': return v <= datum;
    case 'gt': return v > datum;
    case 'ge': return v >= datum;
    case 'maskedEq': return (v & mask) === datum;
  }
}
