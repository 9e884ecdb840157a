/**
 * Random programs: each either fails validation with InvalidBpfError or runs to a RET
 * along a strictly forward path, with the same answer as a deliberately naive reference
 * interpreter (BigInt arithmetic, raw opcode numbers, a step limit in case of a loop).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SockFilter } from '../src/abi.js';
import { packSeccompData } from '../src/abi.js';
import { ARCH_NAMES, archInfo, type Endian } from '../src/arch.js';
import { InvalidBpfError } from '../src/errors.js';
import { disassemble, emulate, kernelAction, prepare, runPrepared, SECCOMP_OPCODES, validate } from '../src/bpf/index.js';

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const ALLOWED = [...SECCOMP_OPCODES];
// LD|H|ABS, LD|B|ABS, LD|*|IND, LDX|B|MSH, ALU|MOD, RET|X: classic BPF that seccomp refuses.
const REFUSED = [0x28, 0x30, 0x40, 0x48, 0x50, 0xb1, 0x94, 0x9c, 0x0e];
const RETS = [0x06, 0x16];
const ACTIONS = [0x7fff0000, 0x00050001, 0x80000000, 0, 0x00030000, 0x7ffc0000, 0x7ff00007, 0x7fc00000, 0x7ffe0000];

function generate(rand: () => number): SockFilter[] {
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  const length = 1 + int(40);
  // Half the programs are careful (nearly every field well formed), so valid ones are common too.
  const careful = rand() < 0.5;
  const care = careful ? 0.995 : 0.85;
  const noise = careful ? 0.002 : 0.2;
  const constant = (code: number): number => {
    const r = rand();
    if (code === 0x20 && r < care) return 4 * int(16);
    if ([0x60, 0x61, 0x02, 0x03].includes(code) && r < care) return int(16);
    if ((code === 0x64 || code === 0x74) && r < care) return int(32);
    if (code === 0x34 && r < care) return 1 + int(70);
    if (code === 0x06 && r < 0.7) return pick(ACTIONS) | (r < 0.3 ? int(0x10000) : 0);
    if (r < 0.5) return int(70);
    return r < 0.6 ? 0xffffffff : int(2 ** 32);
  };
  return Array.from({ length }, (_, pc) => {
    const r = rand();
    const last = pc === length - 1;
    const code = last && r < care ? pick(RETS) : r >= noise ? pick(ALLOWED) : r < noise / 2 ? pick(REFUSED) : int(0x10000);
    const room = length - pc - 1;
    const offset = (): number => (rand() < care && room > 0 ? int(room) : int(256));
    const k = code === 0x05 && rand() < care && room > 0 ? int(room) : constant(code);
    return { code, jt: offset(), jf: offset(), k };
  });
}

interface Outcome {
  value: number;
  path: number[];
}

/** The reference: every opcode spelled as its number, 32-bit results by BigInt.asUintN. */
function reference(program: readonly SockFilter[], data: Uint8Array, endian: Endian): Outcome {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const u32 = (v: bigint): bigint => BigInt.asUintN(32, v);
  const mem = new Array<bigint>(16).fill(0n);
  const path: number[] = [];
  let a = 0n;
  let x = 0n;
  let pc = 0;
  for (;;) {
    if (path.length > program.length) throw new Error('reference: the program loops');
    path.push(pc);
    const ins = program[pc]!;
    const k = BigInt(ins.k >>> 0);
    const branch = (taken: boolean): number => pc + 1 + (taken ? ins.jt : ins.jf);
    switch (ins.code) {
      case 0x20: a = BigInt(view.getUint32(ins.k, endian === 'little')); break;
      case 0x80: a = 64n; break;
      case 0x81: x = 64n; break;
      case 0x00: a = k; break;
      case 0x01: x = k; break;
      case 0x60: a = mem[ins.k]!; break;
      case 0x61: x = mem[ins.k]!; break;
      case 0x02: mem[ins.k] = a; break;
      case 0x03: mem[ins.k] = x; break;
      case 0x04: a = u32(a + k); break;
      case 0x0c: a = u32(a + x); break;
      case 0x14: a = u32(a - k); break;
      case 0x1c: a = u32(a - x); break;
      case 0x24: a = u32(a * k); break;
      case 0x2c: a = u32(a * x); break;
      case 0x34: a = a / k; break;
      case 0x3c:
        if (x === 0n) return { value: 0, path };
        a = a / x;
        break;
      case 0x54: a = a & k; break;
      case 0x5c: a = a & x; break;
      case 0x44: a = a | k; break;
      case 0x4c: a = a | x; break;
      case 0xa4: a = a ^ k; break;
      case 0xac: a = a ^ x; break;
      case 0x64: a = u32(a << k); break;
      case 0x6c: a = u32(a << (x & 31n)); break;
      case 0x74: a = a >> k; break;
      case 0x7c: a = a >> (x & 31n); break;
      case 0x84: a = u32(-a); break;
      case 0x07: x = a; break;
      case 0x87: a = x; break;
      case 0x05: pc = pc + 1 + ins.k; continue;
      case 0x15: pc = branch(a === k); continue;
      case 0x1d: pc = branch(a === x); continue;
      case 0x25: pc = branch(a > k); continue;
      case 0x2d: pc = branch(a > x); continue;
      case 0x35: pc = branch(a >= k); continue;
      case 0x3d: pc = branch(a >= x); continue;
      case 0x45: pc = branch((a & k) !== 0n); continue;
      case 0x4d: pc = branch((a & x) !== 0n); continue;
      case 0x06: return { value: Number(k), path };
      case 0x16: return { value: Number(a), path };
      default: throw new Error(`reference: opcode 0x${ins.code.toString(16)} should have been refused`);
    }
    pc++;
  }
}

function randomInput(rand: () => number) {
  const arch = ARCH_NAMES[Math.floor(rand() * ARCH_NAMES.length)]!;
  const word = (): bigint => BigInt(Math.floor(rand() * 2 ** 32));
  const u64 = (): bigint => (rand() < 0.3 ? BigInt(Math.floor(rand() * 8)) : (word() << 32n) | word());
  return {
    arch,
    syscall: rand() < 0.5 ? Math.floor(rand() * 500) : Number(word()),
    args: Array.from({ length: 6 }, u64),
    ip: u64(),
  };
}

describe('random programs', () => {
  it('2000 programs: InvalidBpfError or a forward run that matches the reference', () => {
    const rand = prng(0x5ecc0);
    let valid = 0;
    let invalid = 0;
    for (let n = 0; n < 2000; n++) {
      const program = generate(rand);
      assert.equal(typeof disassemble(program), 'string');
      let ok = true;
      try {
        validate(program);
      } catch (err) {
        assert.ok(err instanceof InvalidBpfError, `program ${n}: ${String(err)}`);
        assert.ok(err.pc === undefined || (err.pc >= 0 && err.pc < program.length), `program ${n}: pc ${err.pc}`);
        ok = false;
      }
      if (!ok) {
        invalid++;
        assert.throws(() => emulate(program, randomInput(rand)), InvalidBpfError);
        continue;
      }
      valid++;
      for (let c = 0; c < 3; c++) {
        const input = randomInput(rand);
        const info = archInfo(input.arch);
        const result = emulate(program, input);
        const { path, instructions, value } = result;
        // Jumps only go forward, so a run never repeats a pc and never exceeds the program.
        assert.equal(path[0], 0);
        for (let i = 1; i < path.length; i++) assert.ok(path[i]! > path[i - 1]!, `program ${n}: path ${path.join(',')}`);
        assert.equal(instructions, path.length);
        assert.ok(instructions <= program.length);
        const lastCode = program[path.at(-1)!]!.code;
        assert.ok(lastCode === 0x06 || lastCode === 0x16 || (lastCode === 0x3c && value === 0), `program ${n} stopped at 0x${lastCode.toString(16)}`);
        assert.deepEqual(result.action, kernelAction(value));
        const data = packSeccompData(
          { nr: input.syscall, arch: info.auditArch, instructionPointer: input.ip, args: input.args }, info.endian,
        );
        assert.deepEqual({ value, path }, reference(program, data, info.endian), `program ${n}, case ${c}`);
        const prepared = prepare(program, info.endian);
        assert.equal(runPrepared(prepared, input.syscall, info.auditArch, input.args, input.ip), value);
      }
    }
    // Both outcomes must be common for the test to mean anything.
    assert.ok(valid > 400, `only ${valid} valid programs`);
    assert.ok(invalid > 400, `only ${invalid} invalid programs`);
  });
});
