import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidBpfError } from '../src/errors.js';
import {
  BPF_A, BPF_ABS, BPF_ALU, BPF_IMM, BPF_JA, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_MEM, BPF_MISC, BPF_NEG,
  BPF_RET, BPF_ST, BPF_STX, BPF_TXA, BPF_W, BPF_X, BPF_XOR, opcodeName, SECCOMP_OPCODES, validate,
} from '../src/bpf/index.js';
import { EVERY_OPCODE, VALIDATE_ACCEPTS, VALIDATE_REFUSES, type ValidateCase } from './bpf-programs.js';

// The programs live in bpf-programs.ts: bpf-kernel.test.ts loads the same ones into the kernel
// and requires its answer (accepted or EINVAL) to be the validator's.

/** Asserts validate() accepts the program, or refuses it at the pc and for the reason the case names. */
function check({ program, refused }: ValidateCase): void {
  if (!refused) return validate(program);
  assert.throws(() => validate(program), (err: unknown) => {
    assert.ok(err instanceof InvalidBpfError, `expected InvalidBpfError, got ${String(err)}`);
    assert.equal(err.pc, refused.pc);
    assert.match(err.message, refused.why);
    return true;
  });
}

describe('validate: what seccomp accepts', () => {
  for (const [name, cases] of Object.entries(VALIDATE_ACCEPTS)) it(name, () => cases.forEach(check));

  it('the every-opcode program exercises every opcode seccomp allows', () => {
    const codes = new Set(EVERY_OPCODE.map((i) => i.code));
    for (const code of SECCOMP_OPCODES) assert.ok(codes.has(code), `opcode 0x${code.toString(16)} is not exercised`);
    assert.equal(SECCOMP_OPCODES.size, 41);
  });
});

describe('validate: what seccomp refuses', () => {
  for (const [name, cases] of Object.entries(VALIDATE_REFUSES)) it(name, () => cases.forEach(check));

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
