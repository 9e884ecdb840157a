/**
 * The checks the kernel runs before it accepts a seccomp filter: net/core/filter.c
 * (bpf_check_classic, check_load_and_stores) and then kernel/seccomp.c
 * (seccomp_check_filter). A program that passes here is one the kernel would load,
 * and one `run` can execute without further checks: every jump goes forward and lands
 * inside the program, and it ends with a RET, so execution always reaches a RET.
 */
import type { SockFilter } from '../abi.js';
import { SECCOMP_DATA_SIZE } from '../abi.js';
import { InvalidBpfError } from '../errors.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MAXINSNS, BPF_MEM, BPF_MEMWORDS,
  BPF_MISC, BPF_MOD, BPF_MSH, BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX,
  BPF_TXA, BPF_W, BPF_X, BPF_XOR, opcodeName,
} from './opcodes.js';

const withSources = (base: number): number[] => [base | BPF_K, base | BPF_X];

/**
 * Every opcode seccomp accepts. The kernel compares the whole u16, so an opcode with
 * any extra bit set (or a different spelling of the same operation) is refused.
 */
export const SECCOMP_OPCODES: ReadonlySet<number> = new Set([
  BPF_LD | BPF_W | BPF_ABS, BPF_LD | BPF_W | BPF_LEN, BPF_LDX | BPF_W | BPF_LEN,
  BPF_RET | BPF_K, BPF_RET | BPF_A,
  ...[BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH].flatMap((op) => withSources(BPF_ALU | op)),
  BPF_ALU | BPF_NEG,
  BPF_LD | BPF_IMM, BPF_LDX | BPF_IMM, BPF_MISC | BPF_TAX, BPF_MISC | BPF_TXA,
  BPF_LD | BPF_MEM, BPF_LDX | BPF_MEM, BPF_ST, BPF_STX,
  BPF_JMP | BPF_JA,
  ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => withSources(BPF_JMP | op)),
]);

/** Classic opcodes socket filters may use but seccomp refuses, with the reason. */
const SOCKET_ONLY: ReadonlyMap<number, string> = new Map([
  [BPF_LD | BPF_H | BPF_ABS, 'seccomp loads whole 32-bit words only (LD|W|ABS)'],
  [BPF_LD | BPF_B | BPF_ABS, 'seccomp loads whole 32-bit words only (LD|W|ABS)'],
  [BPF_LD | BPF_W | BPF_IND, 'indirect loads read a packet; seccomp has none'],
  [BPF_LD | BPF_H | BPF_IND, 'indirect loads read a packet; seccomp has none'],
  [BPF_LD | BPF_B | BPF_IND, 'indirect loads read a packet; seccomp has none'],
  [BPF_LDX | BPF_B | BPF_MSH, 'LDX|B|MSH reads a packet header; seccomp has none'],
  [BPF_ALU | BPF_MOD | BPF_K, 'seccomp does not allow the modulo operation'],
  [BPF_ALU | BPF_MOD | BPF_X, 'seccomp does not allow the modulo operation'],
]);

const CONDITIONAL_JUMPS: ReadonlySet<number> = new Set(
  [BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => withSources(BPF_JMP | op)),
);

export const isConditionalJumpOpcode = (code: number): boolean => CONDITIONAL_JUMPS.has(code);

const hex = (v: number, width = 2): string => `0x${v.toString(16).padStart(width, '0')}`;

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

/** Catches hand-built instructions with fields that do not fit struct sock_filter. */
function checkFields(ins: SockFilter | undefined, pc: number): SockFilter {
  if (typeof ins !== 'object' || ins === null) throw new InvalidBpfError('not an instruction object { code, jt, jf, k }', pc);
  if (!isInt(ins.code, 0, 0xffff)) throw new InvalidBpfError(`code must be an integer from 0 to 0xffff, got ${String(ins.code)}`, pc);
  if (!isInt(ins.jt, 0, 0xff)) throw new InvalidBpfError(`jt must be an integer from 0 to 255, got ${String(ins.jt)}`, pc);
  if (!isInt(ins.jf, 0, 0xff)) throw new InvalidBpfError(`jf must be an integer from 0 to 255, got ${String(ins.jf)}`, pc);
  // k is a u32; a negative i32 is accepted as its bit pattern (k: -1 means 0xffffffff).
  if (!isInt(ins.k, -0x80000000, 0xffffffff)) throw new InvalidBpfError(`k must be a 32-bit integer, got ${String(ins.k)}`, pc);
  return ins;
}

function checkOpcode(code: number, pc: number): void {
  if (SECCOMP_OPCODES.has(code)) return;
  const why = SOCKET_ONLY.get(code) ?? 'it is not an opcode seccomp accepts';
  throw new InvalidBpfError(`opcode ${hex(code)} (${opcodeName(code)}) is not allowed in a seccomp filter: ${why}`, pc);
}

function checkTarget(target: number, length: number, pc: number, what: string): void {
  if (target >= length) {
    throw new InvalidBpfError(`${what} jumps to ${target}, past the last instruction (${length - 1})`, pc);
  }
}

/** The per-instruction checks of bpf_check_classic and seccomp_check_filter. */
function checkOperands(ins: SockFilter, pc: number, length: number): void {
  const k = ins.k >>> 0;
  switch (ins.code) {
    case BPF_LD | BPF_W | BPF_ABS:
      if (k >= SECCOMP_DATA_SIZE || k % 4 !== 0) {
        throw new InvalidBpfError(
          `LD|W|ABS offset ${k} is not a 4-byte-aligned offset inside struct seccomp_data (0, 4, … ${SECCOMP_DATA_SIZE - 4})`, pc,
        );
      }
      return;
    case BPF_ALU | BPF_DIV | BPF_K:
      if (k === 0) throw new InvalidBpfError('division by the constant 0', pc);
      return;
    case BPF_ALU | BPF_LSH | BPF_K:
    case BPF_ALU | BPF_RSH | BPF_K:
      if (k >= 32) throw new InvalidBpfError(`shift by ${k}: a constant shift must be below 32`, pc);
      return;
    case BPF_LD | BPF_MEM:
    case BPF_LDX | BPF_MEM:
    case BPF_ST:
    case BPF_STX:
      if (k >= BPF_MEMWORDS) throw new InvalidBpfError(`scratch slot M[${k}] does not exist (M[0] to M[${BPF_MEMWORDS - 1}])`, pc);
      return;
    case BPF_JMP | BPF_JA:
      checkTarget(pc + 1 + k, length, pc, `goto (k = ${k})`);
      return;
    default:
      if (isConditionalJumpOpcode(ins.code)) {
        checkTarget(pc + 1 + ins.jt, length, pc, `the true branch (jt = ${ins.jt})`);
        checkTarget(pc + 1 + ins.jf, length, pc, `the false branch (jf = ${ins.jf})`);
      }
  }
}

function checkLastIsRet(program: readonly SockFilter[]): void {
  const pc = program.length - 1;
  const code = program[pc]!.code;
  if (code !== (BPF_RET | BPF_K) && code !== (BPF_RET | BPF_A)) {
    throw new InvalidBpfError(`the last instruction must be a RET, got ${hex(code)} (${opcodeName(code)})`, pc);
  }
}

/**
 * The kernel's check_load_and_stores: a scratch slot may be read only if every path to
 * the read stored it first. `valid` holds one bit per slot known written on the path
 * falling through; `atTarget[pc]` ANDs what every jump into pc knew. After a jump the
 * fall-through state is "all written" because only jumps can reach the next pc; after a
 * RET the kernel keeps the old state (stricter, never unsound), and so do we, to refuse
 * exactly what it refuses.
 */
function checkScratchReads(program: readonly SockFilter[]): void {
  const atTarget = new Uint16Array(program.length).fill(0xffff);
  let valid = 0;
  program.forEach((ins, pc) => {
    valid &= atTarget[pc]!;
    const k = ins.k >>> 0;
    switch (ins.code) {
      case BPF_ST:
      case BPF_STX:
        valid |= 1 << k;
        return;
      case BPF_LD | BPF_MEM:
      case BPF_LDX | BPF_MEM:
        if (!(valid & (1 << k))) throw new InvalidBpfError(`reads scratch slot M[${k}] before it is stored on every path here`, pc);
        return;
      case BPF_JMP | BPF_JA:
        atTarget[pc + 1 + k]! &= valid;
        valid = 0xffff;
        return;
      default:
        if (isConditionalJumpOpcode(ins.code)) {
          atTarget[pc + 1 + ins.jt]! &= valid;
          atTarget[pc + 1 + ins.jf]! &= valid;
          valid = 0xffff;
        }
    }
  });
}

/**
 * Throws InvalidBpfError (with the offending pc) unless the kernel would accept `program`
 * as a seccomp filter.
 */
export function validate(program: readonly SockFilter[]): void {
  if (!Array.isArray(program)) throw new InvalidBpfError('a BPF program is an array of { code, jt, jf, k } instructions');
  if (program.length === 0) throw new InvalidBpfError('a seccomp filter needs at least one instruction; this one is empty');
  if (program.length > BPF_MAXINSNS) {
    throw new InvalidBpfError(`a seccomp filter has at most ${BPF_MAXINSNS} instructions (BPF_MAXINSNS); this one has ${program.length}`);
  }
  for (let pc = 0; pc < program.length; pc++) {
    const ins = checkFields(program[pc], pc);
    checkOpcode(ins.code, pc);
    checkOperands(ins, pc, program.length);
  }
  checkLastIsRet(program);
  checkScratchReads(program);
}
