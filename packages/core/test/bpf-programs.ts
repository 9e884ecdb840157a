// The programs whose fate the validator and the emulator claim to know, with the claims: read
// by bpf-validate.test.ts and bpf-emulate.test.ts (the SDK's answer) and by bpf-kernel.test.ts
// (the kernel's answer to the same programs).
import type { SockFilter } from '../src/abi.js';
import { Action } from '../src/actions.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH,
  BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
  jump, stmt,
} from '../src/bpf/index.js';

export const ALLOW_VALUE = 0x7fff0000;
export const ALLOW = stmt(BPF_RET | BPF_K, ALLOW_VALUE);
export const RET_A = stmt(BPF_RET | BPF_A);
export const ld = (k: number): SockFilter => stmt(BPF_LD | BPF_W | BPF_ABS, k);
export const ret = (k: number): SockFilter => stmt(BPF_RET | BPF_K, k);
export const imm = (k: number): SockFilter => stmt(BPF_LD | BPF_IMM, k);
export const immX = (k: number): SockFilter => stmt(BPF_LDX | BPF_IMM, k);

/** A program and what validate() says of it: nothing (accepted) or refused at `pc` for `why`. */
export interface ValidateCase {
  program: SockFilter[];
  refused?: { pc: number | undefined; why: RegExp };
  /** Set when the program cannot be written as struct sock_filter, so only JavaScript can hold it. */
  jsOnly?: string;
}

const ok = (program: SockFilter[]): ValidateCase => ({ program });
const no = (program: SockFilter[], pc: number | undefined, why: RegExp): ValidateCase => ({ program, refused: { pc, why } });
const notSockFilter = (program: SockFilter[], pc: number, why: RegExp): ValidateCase => ({ ...no(program, pc, why), jsOnly: 'a field out of its C range' });

const ALU_OPS = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH];

/** Every opcode seccomp allows, each once at least; ends by returning A or ALLOW. */
export const EVERY_OPCODE: SockFilter[] = [
  ld(0), ld(60), stmt(BPF_LD | BPF_W | BPF_LEN), stmt(BPF_LDX | BPF_W | BPF_LEN),
  stmt(BPF_LD | BPF_IMM, 1), stmt(BPF_LDX | BPF_IMM, 1),
  ...ALU_OPS.flatMap((op) => [stmt(BPF_ALU | op | BPF_K, 1), stmt(BPF_ALU | op | BPF_X)]),
  stmt(BPF_ALU | BPF_NEG), stmt(BPF_MISC | BPF_TAX), stmt(BPF_MISC | BPF_TXA),
  stmt(BPF_ST, 0), stmt(BPF_STX, 15), stmt(BPF_LD | BPF_MEM, 0), stmt(BPF_LDX | BPF_MEM, 15),
  stmt(BPF_JMP | BPF_JA, 0),
  ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => [jump(BPF_JMP | op | BPF_K, 1, 0, 0), jump(BPF_JMP | op | BPF_X, 0, 0, 0)]),
  jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), RET_A, ALLOW,
];

const times = (n: number): SockFilter[] => Array.from({ length: n }, () => ALLOW);

export const VALIDATE_ACCEPTS: Record<string, ValidateCase[]> = {
  'accepts a program using every opcode seccomp allows': [ok(EVERY_OPCODE)],
  'accepts 1 and 4096 instructions, refuses 0 and 4097': [
    ok([ALLOW]), ok(times(4096)),
    no([], undefined, /at least one instruction/), no(times(4097), undefined, /at most 4096 .*4097/),
  ],
  'accepts constant shifts up to 31 and loads at every aligned offset': [
    ok([stmt(BPF_ALU | BPF_LSH | BPF_K, 31), stmt(BPF_ALU | BPF_RSH | BPF_K, 31), ALLOW]),
    ...Array.from({ length: 16 }, (_, i) => ok([ld(4 * i), ALLOW])),
  ],
  'accepts jumps to the last instruction': [
    ok([stmt(BPF_JMP | BPF_JA, 1), ALLOW, ALLOW]), ok([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ALLOW, ALLOW]),
  ],
};

export const VALIDATE_REFUSES: Record<string, ValidateCase[]> = {
  'refuses a program that does not end with RET': [
    no([ALLOW, ld(0)], 1, /last instruction must be a RET, got 0x20 \(LD\|W\|ABS\)/),
    no([stmt(BPF_MISC | BPF_TAX)], 0, /last instruction must be a RET/),
  ],
  'refuses jumps past the end': [
    no([stmt(BPF_JMP | BPF_JA, 1), ALLOW], 0, /goto \(k = 1\) jumps to 2, past the last instruction \(1\)/),
    no([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ALLOW], 0, /true branch \(jt = 1\)/),
    no([ALLOW, jump(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 5), ALLOW], 1, /false branch \(jf = 5\) jumps to 7/),
    // A huge JA offset must not wrap around to a backward jump.
    no([stmt(BPF_JMP | BPF_JA, 0xffffffff), ALLOW], 0, /past the last instruction/),
  ],
  'refuses classic opcodes seccomp does not allow': ([
    [BPF_LD | BPF_B | BPF_IND, /LD\|B\|IND.*packet/],
    [BPF_LD | BPF_W | BPF_IND, /LD\|W\|IND/],
    [BPF_LD | BPF_H | BPF_ABS, /LD\|H\|ABS.*32-bit words/],
    [BPF_LD | BPF_B | BPF_ABS, /LD\|B\|ABS/],
    [BPF_LDX | BPF_B | BPF_MSH, /LDX\|B\|MSH/],
    [BPF_ALU | BPF_MOD | BPF_K, /ALU\|MOD\|K.*modulo/],
    [BPF_ALU | BPF_MOD | BPF_X, /ALU\|MOD\|X/],
  ] as [number, RegExp][]).map(([code, why]) => no([stmt(code, 1), ALLOW], 0, why)),
  'refuses opcodes that are not classic BPF, or carry extra bits': [
    no([ALLOW, stmt(BPF_RET | BPF_X)], 1, /0x0e \(RET\|X\) is not allowed/),
    no([stmt(BPF_LD | BPF_H | BPF_IMM, 1), ALLOW], 0, /LD\|H\|IMM/),
    no([stmt(BPF_LDX | BPF_W | BPF_ABS, 0), ALLOW], 0, /LDX\|W\|ABS/),
    no([stmt(BPF_RET | BPF_K | 0x100, 0)], 0, /0x106/),
    no([stmt(BPF_JMP | 0x50 | BPF_K, 0), ALLOW], 0, /JMP\|op 0x50\|K/),
    no([stmt(BPF_MISC | 0x40), ALLOW], 0, /not allowed/),
  ],
  'refuses loads outside seccomp_data or not word-aligned': [
    no([ld(64), ALLOW], 0, /offset 64 .*inside struct seccomp_data/),
    no([ld(2), ALLOW], 0, /offset 2 /),
    no([ALLOW, ld(0xfffff000), ALLOW], 1, /offset 4294963200/),
  ],
  'refuses division by a constant 0 and constant shifts of 32 or more': [
    no([stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ALLOW], 0, /division by the constant 0/),
    no([stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ALLOW], 0, /shift by 32/),
    no([stmt(BPF_ALU | BPF_RSH | BPF_K, 40), ALLOW], 0, /shift by 40/),
    // Division by X is checked when it runs, not here.
    ok([stmt(BPF_ALU | BPF_DIV | BPF_X), ALLOW]),
  ],
  'refuses scratch slots past M[15]': [
    no([stmt(BPF_ST, 16), ALLOW], 0, /M\[16\] does not exist/),
    no([stmt(BPF_STX, 16), ALLOW], 0, /M\[16\]/),
    no([stmt(BPF_LDX | BPF_MEM, 99), ALLOW], 0, /M\[99\]/),
  ],
  'refuses reading a scratch slot no path has stored': [
    no([stmt(BPF_LD | BPF_MEM, 3), ALLOW], 0, /reads scratch slot M\[3\] before/),
    no([stmt(BPF_ST, 1), stmt(BPF_LDX | BPF_MEM, 2), ALLOW], 1, /M\[2\]/),
  ],
  'refuses a scratch read that only some paths stored': [
    // 0: if (A == 0) goto 2 else goto 1; 1: M[0] = A; 2: A = M[0] (path 0→2 skipped the store).
    no([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), stmt(BPF_ST, 0), stmt(BPF_LD | BPF_MEM, 0), ALLOW], 2, /M\[0\]/),
    no([stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_ST, 0), stmt(BPF_LD | BPF_MEM, 0), ALLOW], 2, /M\[0\]/),
    // Stored on both branches, or before the branch: accepted.
    ok([
      jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), stmt(BPF_ST, 0), stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_STX, 0),
      stmt(BPF_LD | BPF_MEM, 0), RET_A,
    ]),
    ok([stmt(BPF_ST, 0), jump(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0), ALLOW, stmt(BPF_LD | BPF_MEM, 0), ALLOW]),
  ],
  'follows the kernel: after a RET the next instruction keeps the state before it': [
    // The load at 2 is unreachable, but the kernel still refuses it (nothing stored M[0] before the RET).
    no([ALLOW, ALLOW, stmt(BPF_LD | BPF_MEM, 0), ALLOW], 2, /M\[0\]/),
    // After an unconditional jump it starts from "all stored", as the kernel does.
    ok([stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_LD | BPF_MEM, 0), ALLOW]),
  ],
  'refuses instructions whose fields do not fit struct sock_filter': [
    notSockFilter([{ code: BPF_RET | BPF_K, jt: 256, jf: 0, k: 0 }], 0, /jt must be/),
    notSockFilter([{ code: BPF_RET | BPF_K, jt: 0, jf: -1, k: 0 }], 0, /jf must be/),
    notSockFilter([{ code: 0x10006, jt: 0, jf: 0, k: 0 }], 0, /code must be/),
    notSockFilter([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 2 ** 32 }], 0, /k must be a 32-bit integer/),
    notSockFilter([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 1.5 }], 0, /k must be/),
    notSockFilter([ALLOW, undefined as unknown as SockFilter], 1, /not an instruction/),
    // A negative k is its two's complement.
    ok([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: -1 }]),
  ],
};

/** [name, ALU op, A, operand, the result]: each run with the operand as K and as X. */
export const ALU_CASES: [string, number, number, number, number][] = [
  ['ADD wraps', BPF_ADD, 0xffffffff, 2, 1],
  ['SUB wraps', BPF_SUB, 1, 2, 0xffffffff],
  ['MUL keeps the low 32 bits', BPF_MUL, 0x10001, 0x10001, 0x20001],
  ['MUL of large values', BPF_MUL, 0xffffffff, 0xffffffff, 1],
  ['DIV truncates', BPF_DIV, 7, 2, 3],
  ['DIV is unsigned', BPF_DIV, 0xfffffffe, 2, 0x7fffffff],
  ['AND', BPF_AND, 0xf0f0f0f0, 0xff00ff00, 0xf000f000],
  ['OR', BPF_OR, 0xf0f0f0f0, 0x0f000000, 0xfff0f0f0],
  ['XOR', BPF_XOR, 0xffffffff, 0x0000ffff, 0xffff0000],
  ['LSH drops high bits', BPF_LSH, 0x80000001, 1, 2],
  ['LSH by 31', BPF_LSH, 1, 31, 0x80000000],
  ['RSH is logical', BPF_RSH, 0x80000000, 31, 1],
];

export const aluK = (op: number, a: number, operand: number): SockFilter[] => [imm(a), stmt(BPF_ALU | op | BPF_K, operand), RET_A];
export const aluX = (op: number, a: number, operand: number): SockFilter[] => [imm(a), immX(operand), stmt(BPF_ALU | op | BPF_X), RET_A];

/** [A, -A]. */
export const NEG_CASES: [number, number][] = [[1, 0xffffffff], [0, 0], [0x80000000, 0x80000000]];
export const neg = (a: number): SockFilter[] => [imm(a), stmt(BPF_ALU | BPF_NEG), RET_A];

/** [op, A, X, result]: a shift by X uses the low 5 bits of X. */
export const SHIFT_BY_X_CASES: [number, number, number, number][] = [[BPF_LSH, 1, 33, 2], [BPF_RSH, 0x80000000, 63, 1]];
export const shiftX = (op: number, a: number, x: number): SockFilter[] => [imm(a), immX(x), stmt(BPF_ALU | op | BPF_X), RET_A];

/** LEN into A, and into X then A: both 64, sizeof(struct seccomp_data). */
export const LEN_A: SockFilter[] = [stmt(BPF_LD | BPF_W | BPF_LEN), RET_A];
export const LEN_X: SockFilter[] = [stmt(BPF_LDX | BPF_W | BPF_LEN), stmt(BPF_MISC | BPF_TXA), RET_A];
/** X read before anything set it: 0. */
export const X_AT_START: SockFilter[] = [stmt(BPF_MISC | BPF_TXA), RET_A];
/** 9 via TAX, plus 1: 10. */
export const TAX_TXA: SockFilter[] = [imm(9), stmt(BPF_MISC | BPF_TAX), imm(1), stmt(BPF_ALU | BPF_ADD | BPF_X), RET_A];
/** M[0] = 0x11 (from A), M[15] = 0x22 (from X), both registers cleared, then M[15] - M[0] = 0x11. */
export const SCRATCH: SockFilter[] = [
  imm(0x11), stmt(BPF_ST, 0), immX(0x22), stmt(BPF_STX, 15), imm(0), immX(0),
  stmt(BPF_LD | BPF_MEM, 15), stmt(BPF_LDX | BPF_MEM, 0), stmt(BPF_ALU | BPF_SUB | BPF_X), RET_A,
];
/** JA 2 skips two returns: the third (3) answers. */
export const JA_SKIP: SockFilter[] = [stmt(BPF_JMP | BPF_JA, 2), ret(1), ret(2), ret(3)];

/** Six arguments and the twelve words they become at offsets 16 to 60 (x86_64: low word first). */
export const LOAD_ARGS = [0x0000000a_0000000bn, -1n, 2n ** 64n - 2n, 0n, 5n, 0x00000006_00000000n];
export const LOAD_ARG_WORDS = [0xb, 0xa, 0xffffffff, 0xffffffff, 0xfffffffe, 0xffffffff, 0, 0, 5, 0, 0, 6];

/** [name, jump op, A, operand, whether the jump is taken]. */
export const JUMP_CASES: [string, number, number, number, boolean][] = [
  ['JEQ equal', BPF_JEQ, 5, 5, true],
  ['JEQ different', BPF_JEQ, 5, 6, false],
  ['JGT is unsigned', BPF_JGT, 0x80000000, 1, true],
  ['JGT equal', BPF_JGT, 7, 7, false],
  ['JGE equal', BPF_JGE, 7, 7, true],
  ['JGE below', BPF_JGE, 6, 0xffffffff, false],
  ['JSET common bit', BPF_JSET, 0x80000001, 0x80000000, true],
  ['JSET no common bit', BPF_JSET, 0x0f, 0xf0, false],
];
/** What a jump program returns when taken and when not. */
export const TAKEN = 0x7fff0001;
export const NOT_TAKEN = 0x7fff0002;
export const jumpK = (op: number, a: number, b: number): SockFilter[] => [imm(a), jump(BPF_JMP | op | BPF_K, b, 1, 0), ret(NOT_TAKEN), ret(TAKEN)];
export const jumpX = (op: number, a: number, b: number): SockFilter[] => [imm(a), immX(b), jump(BPF_JMP | op | BPF_X, 0, 1, 0), ret(NOT_TAKEN), ret(TAKEN)];

/** [value a filter returns, the action the kernel takes]. */
export const ACTION_CASES: [number, Action][] = [
  [0x7fff0000, Action.allow],
  [0x00050001, Action.errno('EPERM')],
  [0x0005000d, Action.errno(13)],
  [0x80000000, Action.killProcess],
  [0x00000000, Action.killThread],
  [0x00030000, Action.trap],
  [0x7ffc0000, Action.log],
  [0x7ff00007, Action.trace(7)],
  [0x7fc00000, Action.notify],
];
/** Action bits no kernel defines: KILL_PROCESS, with the raw value kept. */
export const UNKNOWN_ACTIONS = [0x00010000, 0x7ffe0000, 0x80010000, 0xffff0000];
/** ERRNO | 22 computed in A and returned with RET A: errno(EINVAL). */
export const RET_A_ERRNO: SockFilter[] = [imm(0x00050000), stmt(BPF_ALU | BPF_OR | BPF_K, 22), RET_A];
/** Dividing by an X of 0 ends the filter with 0, KILL_THREAD; the ALLOW after it never runs. */
export const DIVIDE_BY_X_ZERO: SockFilter[] = [imm(5), immX(0), stmt(BPF_ALU | BPF_DIV | BPF_X), ALLOW];
