import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SockFilter } from '../src/abi.js';
import { encodeBpf } from '../src/abi.js';
import {
  BPF_A, BPF_ABS, BPF_ALU, BPF_AND, BPF_B, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP,
  BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH, BPF_NEG, BPF_RET, BPF_ST, BPF_STX,
  BPF_TAX, BPF_TXA, BPF_W, BPF_X,
  disassemble, disassembleLines, jump, stmt,
} from '../src/bpf/index.js';

const ld = (k: number): SockFilter => stmt(BPF_LD | BPF_W | BPF_ABS, k);
const ret = (k: number): SockFilter => stmt(BPF_RET | BPF_K, k);
const jeq = (k: number, jt: number, jf: number): SockFilter => jump(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);

/** Two arches, an x32 guard and argument checks, as libseccomp lays them out. */
const TWO_ARCHES: SockFilter[] = [
  ld(4),
  jeq(0xc000003e, 0, 7),
  ld(0),
  jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 2),
  jeq(0xffffffff, 0, 11),
  jeq(0x40000001, 9, 10),
  jeq(257, 0, 9),
  ld(24),
  jump(BPF_JMP | BPF_JSET | BPF_K, 1, 6, 7),
  jeq(0xc00000b7, 0, 6),
  ld(0),
  jeq(56, 3, 0),
  ld(20),
  jump(BPF_JMP | BPF_JGT | BPF_K, 0, 2, 3),
  ret(0x7fff0000),
  ret(0x0005000d),
  ret(0x7ff00007),
  ret(0x80000000),
  ret(0),
];

describe('disassemble', () => {
  it('prints a libseccomp-shaped filter (snapshot)', () => {
    assert.equal(disassemble(TWO_ARCHES, { arch: 'x86_64' }), [
      '0000: 0x20 0x00 0x00 0x00000004  A = arch',
      '0001: 0x15 0x00 0x07 0xc000003e  if (A != ARCH_X86_64) goto 0009',
      '0002: 0x20 0x00 0x00 0x00000000  A = sys_number',
      '0003: 0x35 0x00 0x02 0x40000000  if (A < 0x40000000) goto 0006',
      '0004: 0x15 0x00 0x0b 0xffffffff  if (A != 0xffffffff) goto 0016',
      '0005: 0x15 0x09 0x0a 0x40000001  if (A == write) goto 0015 else goto 0016',
      '0006: 0x15 0x00 0x09 0x00000101  if (A != openat) goto 0016',
      '0007: 0x20 0x00 0x00 0x00000018  A = args[1] (low)',
      '0008: 0x45 0x06 0x07 0x00000001  if (A & 0x1) goto 0015 else goto 0016',
      '0009: 0x15 0x00 0x06 0xc00000b7  if (A != ARCH_AARCH64) goto 0016',
      '0010: 0x20 0x00 0x00 0x00000000  A = sys_number',
      '0011: 0x15 0x03 0x00 0x00000038  if (A == openat) goto 0015',
      '0012: 0x20 0x00 0x00 0x00000014  A = args[0] (high)',
      '0013: 0x25 0x02 0x03 0x00000000  if (A > 0x0) goto 0016 else goto 0017',
      '0014: 0x06 0x00 0x00 0x7fff0000  return ALLOW',
      '0015: 0x06 0x00 0x00 0x0005000d  return ERRNO(EACCES)',
      '0016: 0x06 0x00 0x00 0x7ff00007  return TRACE(7)',
      '0017: 0x06 0x00 0x00 0x80000000  return KILL_PROCESS',
      '0018: 0x06 0x00 0x00 0x00000000  return KILL_THREAD',
    ].join('\n'));
  });

  it('names syscalls for the arch the program checked, whatever the default', () => {
    // 56 is openat on aarch64 and clone on x86_64; the arch checks decide, not opts.arch.
    for (const arch of ['x86_64', 'x32', 'aarch64', 's390x'] as const) {
      const lines = disassembleLines(TWO_ARCHES, { arch });
      assert.equal(lines[1]!.text, 'if (A != ARCH_X86_64) goto 0009');
      assert.equal(lines[5]!.text, 'if (A == write) goto 0015 else goto 0016');
      assert.equal(lines[6]!.text, 'if (A != openat) goto 0016');
      assert.equal(lines[11]!.text, 'if (A == openat) goto 0015');
    }
    // With no arch check, opts.arch is used.
    const bare = [ld(0), jeq(56, 0, 1), ret(0), ret(0x7fff0000)];
    assert.match(disassembleLines(bare, { arch: 'x86_64' })[1]!.text, /A != clone/);
    assert.match(disassembleLines(bare, { arch: 'aarch64' })[1]!.text, /A != openat/);
  });

  it('drops what it knows where paths disagree', () => {
    // pc 3 is reached with A = sys_number (from 2) and with A = arch (from 1): 257 stays a number.
    const program = [ld(4), jeq(0xc000003e, 1, 0), ld(0), jeq(257, 0, 0), ret(0)];
    assert.equal(disassembleLines(program)[3]!.text, 'if (A == 0x101) goto 0004');
    // After an ALU operation A is no longer the syscall number.
    const masked = [ld(0), stmt(BPF_ALU | BPF_AND | BPF_K, 0xff), jeq(1, 0, 0), ret(0)];
    assert.equal(disassembleLines(masked, { arch: 'x86_64' })[2]!.text, 'if (A == 0x1) goto 0003');
  });

  it('labels argument halves by the byte order of the arch', () => {
    const program = [ld(4), jeq(0x80000016, 1, 0), ret(0), ld(16), ld(20), ld(8), ld(12), ret(0x7fff0000)];
    const texts = disassembleLines(program).map((l) => l.text);
    assert.deepEqual(texts.slice(3, 7), [
      'A = args[0] (high)', 'A = args[0] (low)', 'A = instruction_pointer (high)', 'A = instruction_pointer (low)',
    ]);
    const noCheck = [ld(16), ld(20), ret(0)];
    assert.deepEqual(disassembleLines(noCheck, { arch: 'mips' }).map((l) => l.text).slice(0, 2), ['A = args[0] (high)', 'A = args[0] (low)']);
    assert.deepEqual(disassembleLines(noCheck, { arch: 'mipsel' }).map((l) => l.text).slice(0, 2), ['A = args[0] (low)', 'A = args[0] (high)']);
  });

  it('decodes raw bytes in the arch\'s byte order unless told otherwise', () => {
    const program = [ld(4), jeq(0x80000016, 1, 0), ret(0), ld(0), jeq(288, 0, 1), ret(0x00050001), ret(0x7fff0000)];
    const want = disassemble(program);
    assert.match(want, /if \(A != openat\) goto 0006/);
    assert.equal(disassemble(encodeBpf(program, 'big'), { arch: 's390x' }), want);
    assert.equal(disassemble(encodeBpf(program, 'little'), { arch: 's390x', endian: 'little' }), want);
  });

  it('returns structured rows', () => {
    assert.deepEqual(disassembleLines([ld(0), jeq(0, 0, 0), ret(0x00050001)], { arch: 'x86_64' }), [
      { pc: 0, code: 0x20, jt: 0, jf: 0, k: 0, text: 'A = sys_number' },
      { pc: 1, code: 0x15, jt: 0, jf: 0, k: 0, text: 'if (A == read) goto 0002' },
      { pc: 2, code: 0x06, jt: 0, jf: 0, k: 0x00050001, text: 'return ERRNO(EPERM)' },
    ]);
  });

  it('prints every statement form, invalid opcodes included', () => {
    const program: SockFilter[] = [
      ld(2), ld(64), stmt(BPF_LD | BPF_W | BPF_LEN), stmt(BPF_LDX | BPF_W | BPF_LEN), stmt(BPF_LD | BPF_IMM, 5),
      stmt(BPF_LDX | BPF_IMM, 6), stmt(BPF_ST, 1), stmt(BPF_STX, 2), stmt(BPF_LD | BPF_MEM, 1), stmt(BPF_LDX | BPF_MEM, 2),
      stmt(BPF_ALU | BPF_AND | BPF_K, 0xff), stmt(BPF_ALU | BPF_AND | BPF_X), stmt(BPF_ALU | BPF_NEG),
      stmt(BPF_MISC | BPF_TAX), stmt(BPF_MISC | BPF_TXA), stmt(BPF_JMP | BPF_JA, 0), jump(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1),
      jump(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), stmt(BPF_LD | BPF_B | BPF_IND, 3), stmt(BPF_LD | BPF_H | BPF_ABS, 2),
      stmt(BPF_LDX | BPF_B | BPF_MSH, 14), stmt(BPF_ALU | BPF_MOD | BPF_K, 3), stmt(BPF_LD | BPF_H | BPF_IMM, 3),
      stmt(0xffff), stmt(BPF_RET | BPF_A), stmt(BPF_RET | 0x08), ret(0x7ffe0000), ret(0x00050000 | 1133),
      ret(0x0003000a), ret(0x7fc00000), ret(0x7ffc0000), ret(0x7fff0001),
    ];
    assert.deepEqual(disassembleLines(program, { arch: 'x86_64' }).map((l) => l.text), [
      'A = data[2]', 'A = data[64]', 'A = sizeof(seccomp_data)', 'X = sizeof(seccomp_data)', 'A = 0x5',
      'X = 0x6', 'mem[1] = A', 'mem[2] = X', 'A = mem[1]', 'X = mem[2]',
      'A &= 0xff', 'A &= X', 'A = -A',
      'X = A', 'A = X', 'goto 0016', 'if (A != X) goto 0018',
      'if (!(A & X)) goto 0019', 'A = data[X + 3] (8 bits)', 'A = data[2] (16 bits)',
      'X = 4 * (data[14] & 0xf)', 'A %= 0x3', 'invalid opcode 0x08 (LD|H|IMM)',
      'invalid opcode 0xffff (MISC|0xfff8)', 'return A', 'return X', 'return 0x7ffe0000 (unknown action: the kernel kills the process)',
      'return ERRNO(1133)', 'return TRAP(10)', 'return USER_NOTIF', 'return LOG', 'return ALLOW(1)',
    ]);
  });

  it('names errnos by the arch\'s numbering', () => {
    const program = [ret(0x00050000 | 35), ret(0x00050000 | 1)];
    assert.deepEqual(disassembleLines(program, { arch: 'x86_64' }).map((l) => l.text), ['return ERRNO(EDEADLK)', 'return ERRNO(EPERM)']);
    // mips renumbers errnos above 34, so 35 stays a number there.
    assert.deepEqual(disassembleLines(program, { arch: 'mips' }).map((l) => l.text), ['return ERRNO(35)', 'return ERRNO(EPERM)']);
  });

  it('prints one line per instruction and never throws on odd input', () => {
    assert.equal(disassemble([]), '');
    const out = disassemble(new Uint8Array(8 * 3).fill(0xff));
    assert.equal(out.split('\n').length, 3);
    assert.match(disassemble([jeq(0, 200, 250)]), /goto 0201 else goto 0251/);
  });
});
