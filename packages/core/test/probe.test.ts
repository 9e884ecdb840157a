// The corpus's kernel-check transform (testing/probe.ts), checked in the emulator: a probe
// must answer each tested syscall with the errno that decodes to the original verdict, and
// let everything else through.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SockFilter } from '../src/abi.js';
import { archInfo } from '../src/arch.js';
import { BPF_A, BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JGE, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, jump, prepare, runPrepared, stmt } from '../src/bpf/index.js';
import { decodeProbeErrno, probeProgram } from '../testing/probe.js';
import { pickSample } from '../testing/corpus-probes.js';

const X86_64 = archInfo('x86_64').auditArch;
const AARCH64 = archInfo('aarch64').auditArch;
const ld = (k: number): SockFilter => stmt(BPF_LD | BPF_W | BPF_ABS, k);
const ret = (k: number): SockFilter => stmt(BPF_RET | BPF_K, k);
const eq = (k: number, jt: number, jf: number): SockFilter => jump(BPF_JMP | BPF_JEQ | BPF_K, k, jt, jf);
const ALLOW = 0x7fff0000;
const ERRNO = 0x00050000;

/** Verdicts the sample program returns, one per syscall 1000 + i: every way a code is chosen. */
const VERDICTS = [
  ALLOW, 0x00000000, 0x80000000, 0x00030000, 0x7ffc0000, 0x7fc00000, // the fixed codes
  ERRNO | 0, ERRNO | 5, ERRNO | 999, 0x7ff00000 | 7, 0x7ff00000 | 999, // errno and trace below 1000
  ERRNO | 1234, 0x7ff00000 | 2000, 0x00030000 | 9, 0x12340000, // spare codes
];

/** Shaped like libseccomp's output: arch check, x32 check, a dispatch on nr, an argument test. */
function sampleProgram(): SockFilter[] {
  const n = VERDICTS.length;
  return [
    ld(4), eq(X86_64, 1, 0), ret(0), // 0-2: foreign arch → KILL
    ld(0), jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1), ret(0), // 3-5: x32 → KILL
    // Dispatch: syscall 1000 + i jumps over the rest of the dispatch and the 6-instruction
    // block below to return i.
    ...VERDICTS.map((_, i) => eq(1000 + i, n + 5, 0)),
    // Syscall 2000: ERRNO(1) when (arg0 & 0xff) == 7, else ALLOW.
    eq(2000, 0, 4), ld(16), stmt(BPF_ALU | BPF_AND | BPF_K, 0xff), eq(7, 0, 1), ret(ERRNO | 1),
    ret(ALLOW), // no rule: default
    ...VERDICTS.map(ret),
  ];
}

function verdictThrough(probe: ReturnType<typeof probeProgram>, nr: number, args: bigint[] = [], arch = X86_64): number {
  const value = runPrepared(prepare(probe.program), nr, arch, args);
  if (value === ALLOW) return value;
  assert.equal((value & 0xffff0000) >>> 0, ERRNO, `a tested syscall must end in ERRNO, got 0x${value.toString(16)}`);
  const decoded = decodeProbeErrno(value & 0xffff, probe.spare);
  assert.notEqual(decoded, undefined, `errno ${value & 0xffff} is no probe code`);
  return decoded!;
}

describe('probeProgram', () => {
  const original = sampleProgram();
  const prepared = prepare(original);
  const tested = [...VERDICTS.map((_, i) => 1000 + i), 2000, 0x40000001, 0xffffffff];
  const probe = probeProgram(original, tested, X86_64);

  it('maps every verdict of a tested syscall to an errno that decodes back to it', () => {
    for (const nr of tested) {
      for (const args of [[], [7n], [0x107n], [8n]]) {
        assert.equal(verdictThrough(probe, nr, args), runPrepared(prepared, nr, X86_64, args), `nr ${nr} args ${args}`);
      }
    }
    assert.deepEqual(
      VERDICTS.map((_, i) => verdictThrough(probe, 1000 + i)),
      VERDICTS.map((v) => v >>> 0),
    );
  });

  it('gives the fixed and ranged codes the documented values, and spare ones from 4000', () => {
    const codes = VERDICTS.map((_, i) => runPrepared(prepare(probe.program), 1000 + i, X86_64) & 0xffff);
    assert.deepEqual(codes.slice(0, 11), [1000, 1001, 1002, 1003, 1004, 1005, 2000, 2005, 2999, 3007, 3999]);
    assert.deepEqual(codes.slice(11), [4000, 4001, 4002, 4003]);
    assert.deepEqual(probe.spare, { 4000: ERRNO | 1234, 4001: (0x7ff00000 | 2000) >>> 0, 4002: 0x00030009, 4003: 0x12340000 });
  });

  it('lets untested syscalls and other arches through untouched', () => {
    for (const nr of [0, 1, 999, 1100, 2001, 0x40000000]) assert.equal(verdictThrough(probe, nr), ALLOW, `nr ${nr}`);
    assert.equal(verdictThrough(probe, 1001, [], AARCH64), ALLOW, 'the original would KILL a foreign arch; the probe must not');
  });

  it('reaches the final ALLOW from the guards across programs longer than an 8-bit jump', () => {
    const long = [ld(0), ...Array.from({ length: 600 }, (_, i) => eq(5000 + i, 0, 0)), eq(42, 0, 1), ret(ERRNO | 3), ret(0x80000000)];
    const p = probeProgram(long, [42, 43], X86_64);
    assert.ok(p.program.length > 600);
    assert.equal(verdictThrough(p, 42), ERRNO | 3);
    assert.equal(verdictThrough(p, 43), 0x80000000);
    assert.equal(verdictThrough(p, 44), ALLOW);
    assert.equal(verdictThrough(p, 42, [], AARCH64), ALLOW);
  });

  it('refuses what it cannot encode', () => {
    assert.throws(() => probeProgram([stmt(BPF_RET | BPF_A)], [1], X86_64), /RET A/);
    assert.throws(() => probeProgram([ret(ALLOW)], [], X86_64), RangeError);
    assert.throws(() => probeProgram([ret(ALLOW)], Array.from({ length: 256 }, (_, i) => i), X86_64), RangeError);
    const many = Array.from({ length: 97 }, (_, i) => ret(ERRNO | (1000 + i)));
    assert.throws(() => probeProgram(many, [1], X86_64), /too many distinct values/);
  });

  it('decodes nothing it did not encode', () => {
    assert.equal(decodeProbeErrno(1, {}), undefined);
    assert.equal(decodeProbeErrno(1006, {}), undefined);
    assert.equal(decodeProbeErrno(4000, {}), undefined);
  });
});

describe('pickSample', () => {
  const all = Array.from({ length: 500 }, (_, i) => ({ i, value: i === 321 ? 7 : i % 50 === 0 ? 2 : 1 }));

  it('takes the first case of each verdict, then evenly spaced ones, in order', () => {
    const s = pickSample(all, 40);
    assert.equal(s.length, 40);
    assert.deepEqual([...new Set(s.map((c) => c.value))].sort(), [1, 2, 7]);
    assert.deepEqual(s.map((c) => c.i), [...s.map((c) => c.i)].sort((a, b) => a - b));
    assert.equal(new Set(s.map((c) => c.i)).size, 40);
    assert.deepEqual(pickSample(all, 40), s, 'deterministic');
  });

  it('takes everything when there is room', () => {
    assert.deepEqual(pickSample(all.slice(0, 10), 40), all.slice(0, 10));
  });
});
