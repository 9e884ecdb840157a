import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SockFilter } from '../src/abi.js';
import { encodeBpf, packSeccompData } from '../src/abi.js';
import { Action } from '../src/actions.js';
import { archInfo } from '../src/arch.js';
import { InvalidBpfError, UnknownSyscallError } from '../src/errors.js';
import { resolveSyscall } from '../src/syscalls/index.js';
import {
  BPF_JEQ, BPF_JGE, BPF_JMP, BPF_JSET, BPF_K, BPF_LDX, BPF_MEM, BPF_MISC, BPF_ST, BPF_TXA,
  emulate, jump, kernelAction, prepare, run, runPrepared, runTraced, stmt,
} from '../src/bpf/index.js';
import {
  ACTION_CASES, ALU_CASES, aluK, aluX, DIVIDE_BY_X_ZERO, JA_SKIP, JUMP_CASES, jumpK, jumpX, LEN_A, LEN_X, ld, LOAD_ARG_WORDS,
  LOAD_ARGS, neg, NEG_CASES, NOT_TAKEN, ret, RET_A, RET_A_ERRNO, SCRATCH, SHIFT_BY_X_CASES, shiftX, TAKEN, TAX_TXA,
  UNKNOWN_ACTIONS, X_AT_START,
} from './bpf-programs.js';

const ALLOW = 0x7fff0000;
const KILL = 0x80000000;

/** Runs on an x86_64 `read` with no arguments unless told otherwise. */
const go = (program: SockFilter[], input: Partial<Parameters<typeof emulate>[1]> = {}) =>
  emulate(program, { arch: 'x86_64', syscall: 0, ...input });

describe('emulate: every instruction', () => {
  // The programs and the values claimed for them live in bpf-programs.ts: bpf-kernel.test.ts
  // runs the same programs in the kernel and requires the same answers.
  for (const [name, op, a, operand, want] of ALU_CASES) {
    it(`ALU ${name} (K and X)`, () => {
      const withK = go(aluK(op, a, operand));
      assert.deepEqual([withK.value, withK.instructions, withK.path], [want, 3, [0, 1, 2]]);
      assert.equal(go(aluX(op, a, operand)).value, want);
    });
  }

  it('ALU NEG', () => {
    for (const [a, want] of NEG_CASES) assert.equal(go(neg(a)).value, want);
  });

  it('shifts by X use its low 5 bits', () => {
    for (const [op, a, x, want] of SHIFT_BY_X_CASES) assert.equal(go(shiftX(op, a, x)).value, want);
  });

  it('dividing by an X of 0 ends the filter with 0 (KILL_THREAD)', () => {
    const r = go(DIVIDE_BY_X_ZERO);
    assert.deepEqual(r, { action: Action.killThread, value: 0, instructions: 3, path: [0, 1, 2] });
  });

  it('LEN loads sizeof(struct seccomp_data) into A or X', () => {
    assert.equal(go(LEN_A).value, 64);
    assert.equal(go(LEN_X).value, 64);
  });

  it('A and X start at 0', () => {
    assert.equal(go([RET_A]).value, 0);
    assert.equal(go(X_AT_START).value, 0);
  });

  it('TAX and TXA copy between the registers', () => {
    assert.equal(go(TAX_TXA).value, 10);
  });

  it('scratch memory: ST, STX, LD|MEM, LDX|MEM', () => {
    const r = go(SCRATCH);
    assert.equal(r.value, 0x11);
    assert.equal(r.instructions, 10);
  });

  it('JA skips k instructions', () => {
    const r = go(JA_SKIP);
    assert.deepEqual([r.value, r.path], [3, [0, 3]]);
  });

  for (const [name, op, a, b, taken] of JUMP_CASES) {
    it(`${name} (K and X)`, () => {
      const withK = go(jumpK(op, a, b));
      assert.deepEqual([withK.value, withK.path], taken ? [TAKEN, [0, 1, 3]] : [NOT_TAKEN, [0, 1, 2]]);
      assert.equal(go(jumpX(op, a, b)).value, taken ? TAKEN : NOT_TAKEN);
    });
  }

  it('loads every field of seccomp_data (little-endian)', () => {
    const input = { arch: 'x86_64' as const, syscall: 'openat', ip: 0x1122334455667788n, args: LOAD_ARGS };
    const words = Array.from({ length: 16 }, (_, i) => emulate([ld(4 * i), RET_A], input).value);
    assert.deepEqual(words, [257, 0xc000003e, 0x55667788, 0x11223344, ...LOAD_ARG_WORDS]);
  });
});

describe('emulate: actions', () => {
  for (const [value, action] of ACTION_CASES) {
    it(`0x${value.toString(16)} is ${JSON.stringify(action)}`, () => {
      assert.deepEqual(go([ret(value)]), { action, value, instructions: 1, path: [0] });
      assert.deepEqual(kernelAction(value), action);
    });
  }

  it('an unknown action is KILL_PROCESS, with the raw value kept', () => {
    for (const value of UNKNOWN_ACTIONS) {
      const r = go([ret(value)]);
      assert.deepEqual(r.action, Action.killProcess);
      assert.equal(r.value, value >>> 0);
    }
  });

  it('RET|A returns the computed value as an action', () => {
    const r = go(RET_A_ERRNO);
    assert.deepEqual(r.action, Action.errno('EINVAL'));
  });
});

/** A libseccomp-shaped x86_64 filter: arch check, x32 guard, two rules, default allow. */
const X86_64_FILTER: SockFilter[] = [
  ld(4),
  jump(BPF_JMP | BPF_JEQ | BPF_K, 0xc000003e, 0, 8),
  ld(0),
  jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 5, 0),
  jump(BPF_JMP | BPF_JEQ | BPF_K, 257, 0, 3), // openat
  ld(24), // args[1] low: flags
  jump(BPF_JMP | BPF_JSET | BPF_K, 0o1, 0, 1), // O_WRONLY
  ret(0x0005000d), // EACCES
  ret(ALLOW),
  ret(0x00050026), // the x32 guard: ENOSYS
  ret(KILL),
];

describe('emulate: a realistic filter', () => {
  it('counts the exact path', () => {
    const read = emulate(X86_64_FILTER, { arch: 'x86_64', syscall: 'read' });
    assert.deepEqual(read, { action: Action.allow, value: ALLOW, instructions: 6, path: [0, 1, 2, 3, 4, 8] });
    const ro = emulate(X86_64_FILTER, { arch: 'x86_64', syscall: 'openat', args: [-100, 0] });
    assert.deepEqual([ro.path, ro.action], [[0, 1, 2, 3, 4, 5, 6, 8], Action.allow]);
    const wr = emulate(X86_64_FILTER, { arch: 'x86_64', syscall: 'openat', args: [-100, 0o101] });
    assert.deepEqual([wr.path, wr.instructions, wr.action], [[0, 1, 2, 3, 4, 5, 6, 7], 8, Action.errno('EACCES')]);
  });

  it('x32 calls carry bit 30 and share the x86_64 audit arch', () => {
    const r = emulate(X86_64_FILTER, { arch: 'x32', syscall: 'read' });
    assert.deepEqual([r.path, r.action], [[0, 1, 2, 3, 9], Action.errno('ENOSYS')]);
    const nr = emulate([ld(0), RET_A], { arch: 'x32', syscall: 'openat' }).value;
    assert.equal(nr, 0x40000000 + 257);
    assert.equal(emulate([ld(4), RET_A], { arch: 'x32', syscall: 'read' }).value, 0xc000003e);
    // A number is used as given: without the bit it reads as an x86_64 call.
    assert.equal(emulate(X86_64_FILTER, { arch: 'x32', syscall: 0 }).action.kind, 'allow');
    assert.equal(emulate(X86_64_FILTER, { arch: 'x32', syscall: 0x40000000 }).action.kind, 'errno');
  });

  it('another arch fails the arch check', () => {
    const r = emulate(X86_64_FILTER, { arch: 'aarch64', syscall: 'openat' });
    assert.deepEqual([r.path, r.action], [[0, 1, 10], Action.killProcess]);
  });
});

describe('emulate: syscall numbers', () => {
  const nrOf = (input: Parameters<typeof emulate>[1]) => emulate([ld(0), RET_A], input).value;

  it('resolves names for the arch, MIPS bases included', () => {
    assert.equal(nrOf({ arch: 'x86_64', syscall: 'openat' }), 257);
    assert.equal(nrOf({ arch: 'aarch64', syscall: 'openat' }), 56);
    assert.equal(nrOf({ arch: 'mips', syscall: 'read' }), 4003);
    assert.equal(nrOf({ arch: 's390x', syscall: 'openat' }), 288);
  });

  it('gives a direct socket call its own number on socketcall arches', () => {
    assert.equal(nrOf({ arch: 'x86', syscall: 'socket' }), resolveSyscall('socket', 'x86'));
    assert.equal(nrOf({ arch: 'x86', syscall: 'socketcall' }), 102);
  });

  it('uses libseccomp\'s pseudo number for a name the arch lacks', () => {
    const nr = nrOf({ arch: 'aarch64', syscall: 'open' });
    assert.ok(nr > 0x80000000, `expected a negative pseudo number, got 0x${nr.toString(16)}`);
    assert.equal(nr | 0, resolveSyscall('open', 'aarch64'));
  });

  it('takes numbers as u32 patterns', () => {
    assert.equal(nrOf({ arch: 'x86_64', syscall: -1 }), 0xffffffff);
    assert.equal(nrOf({ arch: 'x86_64', syscall: 0xfffffffe }), 0xfffffffe);
    assert.throws(() => nrOf({ arch: 'x86_64', syscall: 2 ** 32 }), RangeError);
    assert.throws(() => nrOf({ arch: 'x86_64', syscall: 1.5 }), RangeError);
  });

  it('refuses unknown names, arches and too many arguments', () => {
    assert.throws(() => nrOf({ arch: 'x86_64', syscall: 'opneat' }), UnknownSyscallError);
    assert.throws(() => nrOf({ arch: 'vax' as never, syscall: 0 }), RangeError);
    assert.throws(() => nrOf({ arch: 'x86_64', syscall: 0, args: [1, 2, 3, 4, 5, 6, 7] }), RangeError);
    assert.throws(() => nrOf({ arch: 'x86_64', syscall: 0, args: [2 ** 64] }), RangeError);
  });

  it('validates before running', () => {
    assert.throws(() => emulate([ld(0)], { arch: 'x86_64', syscall: 'opneat' }), InvalidBpfError);
    assert.throws(() => emulate(new Uint8Array(0), { arch: 'x86_64', syscall: 0 }), InvalidBpfError);
    assert.throws(() => emulate(new Uint8Array(7), { arch: 'x86_64', syscall: 0 }), RangeError);
  });
});

/**
 * An s390x filter (big-endian: each u64's high word is at the lower offset) allowing
 * ioctl(fd, 0x00000001_00000002) only when both halves match.
 */
const S390X_FILTER: SockFilter[] = [
  ld(4),
  jump(BPF_JMP | BPF_JEQ | BPF_K, 0x80000016, 1, 0),
  ret(KILL),
  ld(0),
  jump(BPF_JMP | BPF_JEQ | BPF_K, 54, 0, 5), // ioctl on s390x
  ld(24), // args[1] high
  jump(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3),
  ld(28), // args[1] low
  jump(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
  ret(ALLOW),
  ret(0x00050001),
];

describe('emulate: big-endian arches', () => {
  it('puts the high word of an argument first', () => {
    assert.equal(resolveSyscall('ioctl', 's390x'), 54);
    const ok = emulate(S390X_FILTER, { arch: 's390x', syscall: 'ioctl', args: [3, 0x00000001_00000002n] });
    assert.deepEqual([ok.action, ok.path], [Action.allow, [0, 1, 3, 4, 5, 6, 7, 8, 9]]);
    // Swapped halves fail the first word compared.
    const swapped = emulate(S390X_FILTER, { arch: 's390x', syscall: 'ioctl', args: [3, 0x00000002_00000001n] });
    assert.deepEqual([swapped.action, swapped.path], [Action.errno(1), [0, 1, 3, 4, 5, 6, 10]]);
    const lowOnly = emulate(S390X_FILTER, { arch: 's390x', syscall: 'ioctl', args: [3, 2] });
    assert.deepEqual(lowOnly.action, Action.errno(1));
  });

  it('reads nr and arch as native words', () => {
    assert.equal(emulate([ld(0), RET_A], { arch: 'mips', syscall: 'read' }).value, 4003);
    assert.equal(emulate([ld(4), RET_A], { arch: 'mips64', syscall: 0 }).value, 0x80000008);
    assert.equal(emulate([ld(12), RET_A], { arch: 'ppc64', syscall: 0, ip: 0x1_00000002n }).value, 2);
  });

  it('decodes raw program bytes in the arch\'s order unless told otherwise', () => {
    const big = encodeBpf(S390X_FILTER, 'big');
    const input = { arch: 's390x' as const, syscall: 'ioctl', args: [3, 0x00000001_00000002n] };
    assert.deepEqual(emulate(big, input).action, Action.allow);
    assert.deepEqual(emulate(encodeBpf(S390X_FILTER, 'little'), { ...input, endian: 'little' }).action, Action.allow);
    // The wrong order makes garbage opcodes, which validation refuses.
    assert.throws(() => emulate(big, { ...input, endian: 'little' }), InvalidBpfError);
  });
});

describe('run, prepare and runPrepared', () => {
  it('run takes a prebuilt seccomp_data and returns the raw value', () => {
    const info = archInfo('s390x');
    const data = packSeccompData({ nr: 54, arch: info.auditArch, args: [3n, 0x00000001_00000002n] }, 'big');
    assert.equal(run(S390X_FILTER, data, 'big'), ALLOW);
    assert.equal(run(S390X_FILTER, data, 'little'), KILL);
    assert.deepEqual(runTraced(S390X_FILTER, data, 'big'), { value: ALLOW, instructions: 9, path: [0, 1, 3, 4, 5, 6, 7, 8, 9] });
    assert.throws(() => run(S390X_FILTER, new Uint8Array(63), 'big'), RangeError);
    assert.throws(() => run([ld(0)], data, 'big'), InvalidBpfError);
  });

  it('a prepared program runs many cases and agrees with emulate', () => {
    const prepared = prepare(X86_64_FILTER, 'little');
    assert.equal(prepared.length, X86_64_FILTER.length);
    assert.ok(Object.isFrozen(prepared.program));
    const audit = archInfo('x86_64').auditArch;
    assert.equal(runPrepared(prepared, 257, audit, [-100, 0o101]), 0x0005000d);
    assert.equal(runPrepared(prepared, 257, audit, [-100n, 0o100n]), ALLOW);
    assert.equal(runPrepared(prepared, 0x40000000, audit), 0x00050026);
    assert.equal(runPrepared(prepared, 257, 0xc00000b7), KILL);
    // -1 as a number is all ones in both halves.
    assert.equal(runPrepared(prepare([ld(28), RET_A], 'little'), 0, 0, [0, -1]), 0xffffffff);
    assert.equal(runPrepared(prepare([ld(16), RET_A], 'big'), 0, 0, [0x7_00000000]), 7);
    for (let nr = 0; nr < 300; nr++) {
      const want = emulate(X86_64_FILTER, { arch: 'x86_64', syscall: nr, args: [0, nr] }).value;
      assert.equal(runPrepared(prepared, nr, audit, [0, nr]), want);
    }
  });

  it('prepare decodes bytes and validates', () => {
    const bytes = encodeBpf(S390X_FILTER, 'big');
    const prepared = prepare(bytes, 'big');
    assert.deepEqual(prepared.program, S390X_FILTER);
    assert.equal(emulate(prepared, { arch: 's390x', syscall: 'ioctl', args: [0, 0x1_00000002n] }).value, ALLOW);
    assert.throws(() => prepare([]), InvalidBpfError);
  });

  it('a prepared program copies its input, so later edits do not change it', () => {
    const program = [ret(ALLOW)];
    const prepared = prepare(program);
    program[0] = ret(KILL);
    assert.equal(runPrepared(prepared, 0, 0), ALLOW);
  });

  it('ignores stale scratch memory and registers between runs', () => {
    const prepared = prepare([ld(0), stmt(BPF_ST, 0), stmt(BPF_LDX | BPF_MEM, 0), stmt(BPF_MISC | BPF_TXA), RET_A]);
    assert.equal(runPrepared(prepared, 5, 0), 5);
    assert.equal(runPrepared(prepared, 6, 0), 6);
  });
});
