/**
 * Byte layouts shared with C, in one place:
 *  - struct scmp_arg_cmp (libseccomp, host byte order): u32 arg, u32 op, u64 datum_a, u64 datum_b = 24 B
 *  - struct sock_filter (linux/filter.h): u16 code, u8 jt, u8 jf, u32 k = 8 B
 *  - struct seccomp_data (linux/seccomp.h): i32 nr, u32 arch, u64 ip, u64 args[6] = 64 B
 *  - struct sock_fprog: u16 len, (pad), pointer filter = 16 B on 64-bit hosts
 */
import type { Endian } from './arch.js';
import { describeValue, InputRangeError, InputTypeError } from './input.js';
import type { ArgCmp } from './compare.js';

export const ARG_CMP_SIZE = 24;
export const SOCK_FILTER_SIZE = 8;
export const SECCOMP_DATA_SIZE = 64;
export const SOCK_FPROG_SIZE = 16;

/** The byte order of the machine running this code. */
export const HOST_ENDIAN: Endian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 'little' : 'big';

/** Packs scmp_arg_cmp[] for seccomp_rule_add_array (host byte order, as C sees it). */
export function packArgCmps(cmps: readonly ArgCmp[]): Uint8Array {
  const out = new Uint8Array(Math.max(1, cmps.length) * ARG_CMP_SIZE);
  const dv = new DataView(out.buffer);
  const le = HOST_ENDIAN === 'little';
  cmps.forEach((c, i) => {
    const o = i * ARG_CMP_SIZE;
    dv.setUint32(o, c.arg, le);
    dv.setUint32(o + 4, c.op, le);
    dv.setBigUint64(o + 8, BigInt.asUintN(64, c.datumA), le);
    dv.setBigUint64(o + 16, BigInt.asUintN(64, c.datumB), le);
  });
  return out;
}

export function unpackArgCmps(bytes: Uint8Array): ArgCmp[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = HOST_ENDIAN === 'little';
  const out: ArgCmp[] = [];
  for (let o = 0; o + ARG_CMP_SIZE <= bytes.byteLength; o += ARG_CMP_SIZE) {
    out.push({ arg: dv.getUint32(o, le), op: dv.getUint32(o + 4, le), datumA: dv.getBigUint64(o + 8, le), datumB: dv.getBigUint64(o + 16, le) });
  }
  return out;
}

export interface SockFilter {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Decodes a BPF program. libseccomp writes it in the filter's byte order (host order for a loadable one). */
export function decodeBpf(bytes: Uint8Array, endian: Endian = HOST_ENDIAN): SockFilter[] {
  if (!(bytes instanceof Uint8Array)) throw new InputTypeError('bytes', 'a Uint8Array of 8-byte instructions', describeValue(bytes));
  if (endian !== 'little' && endian !== 'big') throw new InputRangeError('endian', '"little" or "big"', describeValue(endian));
  if (bytes.byteLength % SOCK_FILTER_SIZE !== 0) {
    throw new RangeError(`A BPF program is a multiple of 8 bytes; this one has ${bytes.byteLength}.`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = endian === 'little';
  const out: SockFilter[] = [];
  for (let o = 0; o < bytes.byteLength; o += SOCK_FILTER_SIZE) {
    out.push({ code: dv.getUint16(o, le), jt: dv.getUint8(o + 2), jf: dv.getUint8(o + 3), k: dv.getUint32(o + 4, le) });
  }
  return out;
}

export function encodeBpf(program: readonly SockFilter[], endian: Endian = HOST_ENDIAN): Uint8Array {
  const out = new Uint8Array(program.length * SOCK_FILTER_SIZE);
  const dv = new DataView(out.buffer);
  const le = endian === 'little';
  program.forEach((ins, i) => {
    const o = i * SOCK_FILTER_SIZE;
    dv.setUint16(o, ins.code, le);
    dv.setUint8(o + 2, ins.jt);
    dv.setUint8(o + 3, ins.jf);
    dv.setUint32(o + 4, ins.k >>> 0, le);
  });
  return out;
}

export interface SeccompData {
  /** The syscall number as the kernel stores it (i32; pass the u32 pattern or a negative). */
  nr: number;
  arch: number;
  instructionPointer?: bigint;
  args?: readonly bigint[];
}

/** struct seccomp_data in the given byte order (the simulated arch's). */
export function packSeccompData(data: SeccompData, endian: Endian = HOST_ENDIAN): Uint8Array {
  const out = new Uint8Array(SECCOMP_DATA_SIZE);
  const dv = new DataView(out.buffer);
  const le = endian === 'little';
  dv.setUint32(0, data.nr >>> 0, le);
  dv.setUint32(4, data.arch >>> 0, le);
  dv.setBigUint64(8, BigInt.asUintN(64, data.instructionPointer ?? 0n), le);
  for (let i = 0; i < 6; i++) dv.setBigUint64(16 + 8 * i, BigInt.asUintN(64, data.args?.[i] ?? 0n), le);
  return out;
}

/** struct sock_fprog for seccomp(2): `len` at 0, the program's address at 8 (64-bit hosts). */
export function packSockFprog(instructions: number, address: bigint): Uint8Array {
  if (instructions < 1 || instructions > 4096) throw new RangeError(`A seccomp program has 1 to 4096 instructions, got ${instructions}.`);
  const out = new Uint8Array(SOCK_FPROG_SIZE);
  const dv = new DataView(out.buffer);
  const le = HOST_ENDIAN === 'little';
  dv.setUint16(0, instructions, le);
  dv.setBigUint64(8, address, le);
  return out;
}
