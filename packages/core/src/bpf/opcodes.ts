/**
 * Classic BPF opcode fields, as linux/bpf_common.h and linux/filter.h define them.
 * An opcode is a u16 made of fields OR-ed together:
 *   class (bits 0-2) | size (3-4) | mode (5-7)   for loads and stores
 *   class (bits 0-2) | source (3) | op (4-7)     for ALU and jumps
 *   class | rval (3-4)                          for RET
 *   class | miscop (3-7)                        for MISC
 */
import type { SockFilter } from '../abi.js';

// Instruction classes.
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_RET = 0x06;
export const BPF_MISC = 0x07;

// Load sizes.
export const BPF_W = 0x00;
export const BPF_H = 0x08;
export const BPF_B = 0x10;

// Load modes.
export const BPF_IMM = 0x00;
export const BPF_ABS = 0x20;
export const BPF_IND = 0x40;
export const BPF_MEM = 0x60;
export const BPF_LEN = 0x80;
export const BPF_MSH = 0xa0;

// ALU operations.
export const BPF_ADD = 0x00;
export const BPF_SUB = 0x10;
export const BPF_MUL = 0x20;
export const BPF_DIV = 0x30;
export const BPF_OR = 0x40;
export const BPF_AND = 0x50;
export const BPF_LSH = 0x60;
export const BPF_RSH = 0x70;
export const BPF_NEG = 0x80;
export const BPF_MOD = 0x90;
export const BPF_XOR = 0xa0;

// Jump operations.
export const BPF_JA = 0x00;
export const BPF_JEQ = 0x10;
export const BPF_JGT = 0x20;
export const BPF_JGE = 0x30;
export const BPF_JSET = 0x40;

// Operand sources: the constant k or the X register; RET may also return A.
export const BPF_K = 0x00;
export const BPF_X = 0x08;
export const BPF_A = 0x10;

// MISC operations.
export const BPF_TAX = 0x00;
export const BPF_TXA = 0x80;

/** The most instructions a classic program may have (and so a seccomp filter). */
export const BPF_MAXINSNS = 4096;
/** Scratch memory words M[0..15]. */
export const BPF_MEMWORDS = 16;

export const bpfClass = (code: number): number => code & 0x07;
export const bpfSize = (code: number): number => code & 0x18;
export const bpfMode = (code: number): number => code & 0xe0;
export const bpfOp = (code: number): number => code & 0xf0;
export const bpfSrc = (code: number): number => code & 0x08;
export const bpfRval = (code: number): number => code & 0x18;
export const bpfMiscOp = (code: number): number => code & 0xf8;

/** BPF_STMT: an instruction that does not branch. */
export function stmt(code: number, k = 0): SockFilter {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

/** BPF_JUMP: a conditional jump skips `jt` instructions when true, `jf` when false. */
export function jump(code: number, k: number, jt: number, jf: number): SockFilter {
  return { code, jt, jf, k: k >>> 0 };
}

export function isJump(code: number): boolean {
  return bpfClass(code) === BPF_JMP;
}

export function isConditionalJump(code: number): boolean {
  return bpfClass(code) === BPF_JMP && bpfOp(code) !== BPF_JA;
}

const CLASS_NAMES = ['LD', 'LDX', 'ST', 'STX', 'ALU', 'JMP', 'RET', 'MISC'];
const SIZE_NAMES: Record<number, string> = { [BPF_W]: 'W', [BPF_H]: 'H', [BPF_B]: 'B', 0x18: 'DW' };
const MODE_NAMES: Record<number, string> = {
  [BPF_IMM]: 'IMM', [BPF_ABS]: 'ABS', [BPF_IND]: 'IND', [BPF_MEM]: 'MEM', [BPF_LEN]: 'LEN', [BPF_MSH]: 'MSH',
};
const ALU_NAMES: Record<number, string> = {
  [BPF_ADD]: 'ADD', [BPF_SUB]: 'SUB', [BPF_MUL]: 'MUL', [BPF_DIV]: 'DIV', [BPF_OR]: 'OR', [BPF_AND]: 'AND',
  [BPF_LSH]: 'LSH', [BPF_RSH]: 'RSH', [BPF_NEG]: 'NEG', [BPF_MOD]: 'MOD', [BPF_XOR]: 'XOR',
};
const JMP_NAMES: Record<number, string> = { [BPF_JA]: 'JA', [BPF_JEQ]: 'JEQ', [BPF_JGT]: 'JGT', [BPF_JGE]: 'JGE', [BPF_JSET]: 'JSET' };

/**
 * The fields of an opcode spelled out, `LD|W|ABS` or `JMP|JEQ|K`, for messages.
 * Bits no field explains are appended in hex so two different codes never read alike.
 */
export function opcodeName(code: number): string {
  const cls = bpfClass(code);
  const parts = [CLASS_NAMES[cls] ?? '?'];
  let used = 0x07;
  if (cls === BPF_LD || cls === BPF_LDX) {
    parts.push(SIZE_NAMES[bpfSize(code)] ?? '?', MODE_NAMES[bpfMode(code)] ?? `mode 0x${bpfMode(code).toString(16)}`);
    used |= 0xf8;
  } else if (cls === BPF_ALU || cls === BPF_JMP) {
    const op = bpfOp(code);
    parts.push((cls === BPF_ALU ? ALU_NAMES : JMP_NAMES)[op] ?? `op 0x${op.toString(16)}`);
    used |= 0xf0;
    // NEG and JA take no operand, so a source bit on them is left to the unexplained remainder.
    const unary = (cls === BPF_ALU && op === BPF_NEG) || (cls === BPF_JMP && op === BPF_JA);
    if (!unary) {
      parts.push(bpfSrc(code) ? 'X' : 'K');
      used |= 0x08;
    }
  } else if (cls === BPF_RET) {
    const rval = bpfRval(code);
    parts.push(rval === BPF_K ? 'K' : rval === BPF_X ? 'X' : rval === BPF_A ? 'A' : '?');
    used |= 0x18;
  } else if (cls === BPF_MISC) {
    const op = bpfMiscOp(code);
    if (op === BPF_TAX || op === BPF_TXA) {
      parts.push(op === BPF_TAX ? 'TAX' : 'TXA');
      used |= 0xf8;
    }
  }
  const rest = code & ~used & 0xffff;
  if (rest) parts.push(`0x${rest.toString(16)}`);
  return parts.join('|');
}
