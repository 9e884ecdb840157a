/**
 * Checks at the public edge of the pure tools (compileProgram, emulate, disassemble, decodeBpf,
 * archInfo): a wrong value is answered with a TypeError or RangeError that says which input
 * and what it was, never with what the engine says when it trips over it ("bpf.map is not a
 * function", "Do not know how to serialize a BigInt"). Every check is linear in the input, and
 * a description never prints the value itself beyond a short, safe summary.
 */
import type { SockFilter } from './abi.js';

/** A wrong type at the API edge: `field` names the input, `got` describes what was passed. */
export class InputTypeError extends TypeError {
  override readonly name = 'InputTypeError';
  constructor(readonly field: string, readonly expected: string, readonly got: string) {
    super(`${field} must be ${expected}, got ${got}.`);
  }
}

/** A value of the right type out of range (an instruction field, an arch name). */
export class InputRangeError extends RangeError {
  override readonly name = 'InputRangeError';
  constructor(readonly field: string, readonly expected: string, readonly got: string) {
    super(`${field} must be ${expected}, got ${got}.`);
  }
}

/** What a value is, short and safe to print: no JSON.stringify (bigints, cycles, depth), no 10 MB strings. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `the string "${value}"`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'bigint') return value.toString().length > 30 ? 'a huge bigint' : `the bigint ${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of ${value.byteLength} bytes`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function isInt32Pattern(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff;
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

/**
 * A BPF program as the tools take it: a Uint8Array (a Buffer is one) of 8-byte instructions,
 * or an array of { code, jt, jf, k } with each field an unsigned integer of its width.
 * Other typed arrays are refused: a Uint16Array or BigUint64Array would be read as something
 * it is not.
 */
export function checkBpf(bpf: unknown, field = 'bpf'): Uint8Array | readonly SockFilter[] {
  if (bpf instanceof Uint8Array) return bpf;
  const expected = 'a Uint8Array of 8-byte instructions or an array of { code, jt, jf, k }';
  if (!Array.isArray(bpf)) throw new InputTypeError(field, expected, describeValue(bpf));
  for (let i = 0; i < bpf.length; i++) {
    const ins: unknown = bpf[i];
    if (typeof ins !== 'object' || ins === null) throw new InputTypeError(`${field}[${i}]`, 'an object { code, jt, jf, k }', describeValue(ins));
    const { code, jt, jf, k } = ins as Record<string, unknown>;
    if (!isUint(code, 0xffff)) throw new InputRangeError(`${field}[${i}].code`, 'an integer from 0 to 65535', describeValue(code));
    if (!isUint(jt, 0xff)) throw new InputRangeError(`${field}[${i}].jt`, 'an integer from 0 to 255', describeValue(jt));
    if (!isUint(jf, 0xff)) throw new InputRangeError(`${field}[${i}].jf`, 'an integer from 0 to 255', describeValue(jf));
    // k is a u32; a negative i32 is its bit pattern (k: -1 is 0xffffffff), as validate() takes it.
    if (!isInt32Pattern(k)) throw new InputRangeError(`${field}[${i}].k`, 'a 32-bit integer (-2147483648 to 4294967295)', describeValue(k));
  }
  return bpf as readonly SockFilter[];
}

/** An options or input object (or undefined when `optional`). */
export function checkObject(value: unknown, field: string, optional = false): Record<string, unknown> {
  if (value === undefined && optional) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputTypeError(field, 'an object', describeValue(value));
  return value as Record<string, unknown>;
}
