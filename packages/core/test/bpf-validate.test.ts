import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SockFilter } from '../src/abi.js';
import { InvalidBpfError } from '../src/errors.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH,
  BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
  jump, opcodeName, SECCOMP_OPCODES, stmt, validate,
} from '../src/bpf/index.js';

const ALLOW = stmt(BPF_RET | BPF_K, 0x7fff0000);
const ld = (k: number): SockFilter => stmt(BPF_LD | BPF_W | BPF_ABS, k);

/** Asserts the program is refused at `pc` with a message matching `why`. */
function refused(program: SockFilter[], pc: number | undefined, why: RegExp): void {
  assert.throws(() => validate(program), (err: unknown) => {
    assert.ok(err instanceof InvalidBpfError, `expected InvalidBpfError, got ${String(err)}`);
    assert.equal(err.pc, pc);
    assert.match(err.message, why);
    return true;
  });
}

describe('validate: what seccomp accepts', () => {
  it('accepts a program using every opcode seccomp allows', () => {
    const alu = [BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_AND, BPF_OR, BPF_XOR, BPF_LSH, BPF_RSH];
    const program: SockFilter[] = [
      ld(0), ld(60), stmt(BPF_LD | BPF_W | BPF_LEN), stmt(BPF_LDX | BPF_W | BPF_LEN),
      stmt(BPF_LD | BPF_IMM, 1), stmt(BPF_LDX | BPF_IMM, 1),
      ...alu.flatMap((op) => [stmt(BPF_ALU | op | BPF_K, 1), stmt(BPF_ALU | op | BPF_X)]),
      stmt(BPF_ALU | BPF_NEG), stmt(BPF_MISC | BPF_TAX), stmt(BPF_MISC | BPF_TXA),
      stmt(BPF_ST, 0), stmt(BPF_STX, 15), stmt(BPF_LD | BPF_MEM, 0), stmt(BPF_LDX | BPF_MEM, 15),
      stmt(BPF_JMP | BPF_JA, 0),
      ...[BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JSET].flatMap((op) => [jump(BPF_JMP | op | BPF_K, 1, 0, 0), jump(BPF_JMP | op | BPF_X, 0, 0, 0)]),
      jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), stmt(BPF_RET | BPF_A), ALLOW,
    ];
    validate(program);
    const codes = new Set(program.map((i) => i.code));
    for (const code of SECCOMP_OPCODES) assert.ok(codes.has(code), `opcode 0x${code.toString(16)} is not exercised`);
    assert.equal(SECCOMP_OPCODES.size, 41);
  });

  it('accepts 1 and 4096 instructions, refuses 0 and 4097', () => {
    validate([ALLOW]);
    validate(Array.from({ length: 4096 }, () => ALLOW));
    refused([], undefined, /at least one instruction/);
    refused(Array.from({ length: 4097 }, () => ALLOW), undefined, /at most 4096 .*4097/);
  });

  it('accepts constant shifts up to 31 and loads at every aligned offset', () => {
    validate([stmt(BPF_ALU | BPF_LSH | BPF_K, 31), stmt(BPF_ALU | BPF_RSH | BPF_K, 31), ALLOW]);
    for (let k = 0; k < 64; k += 4) validate([ld(k), ALLOW]);
  });

  it('accepts jumps to the last instruction', () => {
    validate([stmt(BPF_JMP | BPF_JA, 1), ALLOW, ALLOW]);
    validate([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ALLOW, ALLOW]);
  });
});

describe('validate: what seccomp refuses', () => {
  it('refuses a program that does not end with RET', () => {
    refused([ALLOW, ld(0)], 1, /last instruction must be a RET, got 0x20 \(LD\|W\|ABS\)/);
    refused([stmt(BPF_MISC | BPF_TAX)], 0, /last instruction must be a RET/);
  });

  it('refuses jumps past the end', () => {
    refused([stmt(BPF_JMP | BPF_JA, 1), ALLOW], 0, /goto \(k = 1\) jumps to 2, past the last instruction \(1\)/);
    refused([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), ALLOW], 0, /true branch \(jt = 1\)/);
    refused([ALLOW, jump(BPF_JMP | BPF_JGT | BPF_X, 0, 0, 5), ALLOW], 1, /false branch \(jf = 5\) jumps to 7/);
    // A huge JA offset must not wrap around to a backward jump.
    refused([stmt(BPF_JMP | BPF_JA, 0xffffffff), ALLOW], 0, /past the last instruction/);
  });

  it('refuses classic opcodes seccomp does not allow', () => {
    const socketOnly: [number, RegExp][] = [
      [BPF_LD | BPF_B | BPF_IND, /LD\|B\|IND.*packet/],
      [BPF_LD | BPF_W | BPF_IND, /LD\|W\|IND/],
      [BPF_LD | BPF_H | BPF_ABS, /LD\|H\|ABS.*32-bit words/],
      [BPF_LD | BPF_B | BPF_ABS, /LD\|B\|ABS/],
      [BPF_LDX | BPF_B | BPF_MSH, /LDX\|B\|MSH/],
      [BPF_ALU | BPF_MOD | BPF_K, /ALU\|MOD\|K.*modulo/],
      [BPF_ALU | BPF_MOD | BPF_X, /ALU\|MOD\|X/],
    ];
    for (const [code, why] of socketOnly) refused([stmt(code, 1), ALLOW], 0, why);
  });

  it('refuses opcodes that are not classic BPF, or carry extra bits', () => {
    refused([ALLOW, stmt(BPF_RET | BPF_X)], 1, /0x0e \(RET\|X\) is not allowed/);
    refused([stmt(BPF_LD | BPF_H | BPF_IMM, 1), ALLOW], 0, /LD\|H\|IMM/);
    refused([stmt(BPF_LDX | BPF_W | BPF_ABS, 0), ALLOW], 0, /LDX\|W\|ABS/);
    refused([stmt(BPF_RET | BPF_K | 0x100, 0)], 0, /0x106/);
    refused([stmt(BPF_JMP | 0x50 | BPF_K, 0), ALLOW], 0, /JMP\|op 0x50\|K/);
    refused([stmt(BPF_MISC | 0x40), ALLOW], 0, /not allowed/);
  });

  it('refuses loads outside seccomp_data or not word-aligned', () => {
    refused([ld(64), ALLOW], 0, /offset 64 .*inside struct seccomp_data/);
    refused([ld(2), ALLOW], 0, /offset 2 /);
    refused([ALLOW, ld(0xfffff000), ALLOW], 1, /offset 4294963200/);
  });

  it('refuses division by a constant 0 and constant shifts of 32 or more', () => {
    refused([stmt(BPF_ALU | BPF_DIV | BPF_K, 0), ALLOW], 0, /division by the constant 0/);
    refused([stmt(BPF_ALU | BPF_LSH | BPF_K, 32), ALLOW], 0, /shift by 32/);
    refused([stmt(BPF_ALU | BPF_RSH | BPF_K, 40), ALLOW], 0, /shift by 40/);
    // Division by X is checked when it runs, not here.
    validate([stmt(BPF_ALU | BPF_DIV | BPF_X), ALLOW]);
  });

  it('refuses scratch slots past M[15]', () => {
    refused([stmt(BPF_ST, 16), ALLOW], 0, /M\[16\] does not exist/);
    refused([stmt(BPF_STX, 16), ALLOW], 0, /M\[16\]/);
    refused([stmt(BPF_LDX | BPF_MEM, 99), ALLOW], 0, /M\[99\]/);
  });

  it('refuses reading a scratch slot no path has stored', () => {
    refused([stmt(BPF_LD | BPF_MEM, 3), ALLOW], 0, /reads scratch slot M\[3\] before/);
    refused([stmt(BPF_ST, 1), stmt(BPF_LDX | BPF_MEM, 2), ALLOW], 1, /M\[2\]/);
  });

  it('refuses a scratch read that only some paths stored', () => {
    // 0: if (A == 0) goto 2 else goto 1; 1: M[0] = A; 2: A = M[0] (path 0→2 skipped the store).
    refused([jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), stmt(BPF_ST, 0), stmt(BPF_LD | BPF_MEM, 0), ALLOW], 2, /M\[0\]/);
    refused([stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_ST, 0), stmt(BPF_LD | BPF_MEM, 0), ALLOW], 2, /M\[0\]/);
    // Stored on both branches, or before the branch: accepted.
    validate([
      jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2), stmt(BPF_ST, 0), stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_STX, 0),
      stmt(BPF_LD | BPF_MEM, 0), stmt(BPF_RET | BPF_A),
    ]);
    validate([stmt(BPF_ST, 0), jump(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0), ALLOW, stmt(BPF_LD | BPF_MEM, 0), ALLOW]);
  });

  it('follows the kernel: after a RET the next instruction keeps the state before it', () => {
    // The load at 2 is unreachable, but the kernel still refuses it (nothing stored M[0] before the RET).
    refused([ALLOW, ALLOW, stmt(BPF_LD | BPF_MEM, 0), ALLOW], 2, /M\[0\]/);
    // After an unconditional jump it starts from "all stored", as the kernel does.
    validate([stmt(BPF_JMP | BPF_JA, 1), stmt(BPF_LD | BPF_MEM, 0), ALLOW]);
  });

  it('refuses instructions whose fields do not fit struct sock_filter', () => {
    refused([{ code: BPF_RET | BPF_K, jt: 256, jf: 0, k: 0 }], 0, /jt must be/);
    refused([{ code: BPF_RET | BPF_K, jt: 0, jf: -1, k: 0 }], 0, /jf must be/);
    refused([{ code: 0x10006, jt: 0, jf: 0, k: 0 }], 0, /code must be/);
    refused([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 2 ** 32 }], 0, /k must be a 32-bit integer/);
    refused([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: 1.5 }], 0, /k must be/);
    refused([ALLOW, undefined as unknown as SockFilter], 1, /not an instruction/);
    // A negative k is its two's complement.
    validate([{ code: BPF_RET | BPF_K, jt: 0, jf: 0, k: -1 }]);
  });

  it('names opcodes field by field', () => {
    assert.equal(opcodeName(BPF_LD | BPF_W | BPF_ABS), 'LD|W|ABS');
    assert.equal(opcodeName(BPF_JMP | BPF_JSET | BPF_X), 'JMP|JSET|X');
    assert.equal(opcodeName(BPF_ALU | BPF_NEG), 'ALU|NEG');
    assert.equal(opcodeName(BPF_RET | BPF_A), 'RET|A');
    assert.equal(opcodeName(BPF_MISC | BPF_TXA), 'MISC|TXA');
    assert.equal(opcodeName(BPF_ST), 'ST');
    assert.equal(opcodeName(BPF_STX), 'STX');
    assert.equal(opcodeName(BPF_LDX | BPF_IMM | BPF_MEM), 'LDX|W|MEM');
    assert.equal(opcodeName(BPF_JMP | BPF_JA | BPF_X), 'JMP|JA|0x8');
    assert.equal(opcodeName(BPF_ALU | BPF_XOR | BPF_K | 0x100), 'ALU|XOR|K|0x100');
  });
});
