/**
 * The comparison operators, judged by the kernel against verdicts written by hand — not by
 * compare.ts's own model, which a shared misunderstanding would pass. Each case is a condition
 * on argument 0 as a user writes it, and raw 64-bit register values with whether the condition
 * holds. The edges: a negative number sign-extended into the register (what a C `int` or
 * `long` becomes) against the same bits as a u32, values around 2^31 and 2^32, a high word that
 * 32-bit eq/maskedEq must ignore and 32-bit ordering must not (docs/api.md, arg32), and masks
 * spanning both words.
 */
import assert from 'node:assert/strict';
import { arg, arg32, conditionHolds } from '../src/index.js';
import type { ChildOutcome, RunOptions } from './harness.js';
import type { CompareCase } from './scenarios.js';

type Run = (scenario: string, params?: unknown, opts?: RunOptions) => Promise<ChildOutcome>;
type Define = (name: string, fn: () => Promise<void>) => void;
type Via = 'libseccomp' | 'typescript';

/** A condition and, for each raw argument (decimal or 0x), whether it holds. */
type Pinned = Omit<CompareCase, 'args'> & { holds: Record<string, boolean> };

export const PINNED: readonly Pinned[] = [
  // 64-bit: the whole register, unsigned.
  { width: 64, op: 'eq', value: '0xffffffff', holds: { '0xffffffff': true, '-1': false, '0x1ffffffff': false, '0': false } },
  { width: 64, op: 'eq', value: '-1', holds: { '-1': true, '0xffffffff': false, '0xffffffff00000000': false } },
  { width: 64, op: 'ne', value: '0x100000000', holds: { '0x100000000': false, '0': true, '1': true, '0x200000000': true } },
  { width: 64, op: 'lt', value: '0x100000000', holds: { '0xffffffff': true, '0': true, '0x100000000': false, '-1': false } },
  { width: 64, op: 'le', value: '0x80000000', holds: { '0x80000000': true, '0x7fffffff': true, '0x80000001': false, '-2147483648': false, '0x100000000': false } },
  { width: 64, op: 'gt', value: '0x7fffffff', holds: { '0x80000000': true, '-2147483648': true, '0x100000000': true, '0x7fffffff': false, '0': false } },
  { width: 64, op: 'ge', value: '0x8000000000000000', holds: { '0x8000000000000000': true, '-1': true, '0x7fffffffffffffff': false, '0': false } },
  { width: 64, op: 'gt', value: '-100', holds: { '-1': true, '-100': false, '-101': false, '0xffffff9c': false } },
  // Mask bits in both words: each word must match under its part of the mask.
  { width: 64, op: 'maskedEq', mask: '0xff0000000', value: '0x5a0000000', holds: { '0x5a0000000': true, '0x12345675a1234567': true, '0x5b0000000': false, '0x4a0000000': false, '0xa0000000': false } },
  { width: 64, op: 'maskedEq', mask: '0xffffffff00000000', value: '0', holds: { '0': true, '0xffffffff': true, '0x100000000': false, '-1': false } },
  // 32-bit eq and maskedEq: the low word only, whatever the high word holds.
  { width: 32, op: 'eq', value: '-100', holds: { '-100': true, '0xffffff9c': true, '0x1ffffff9c': true, '0xffffff9d': false, '100': false, '0x9c': false } },
  { width: 32, op: 'eq', value: '0x80000000', holds: { '0x80000000': true, '-2147483648': true, '0x180000000': true, '0x7fffffff': false, '0': false } },
  { width: 32, op: 'maskedEq', mask: '0xf0', value: '0x30', holds: { '0x35': true, '0xdeadbeef00000035': true, '0x40': false, '0x3000000000': false } },
  { width: 32, op: 'maskedEq', mask: '-1', value: '0', holds: { '0': true, '0x100000000': true, '0xffffffff': false, '-1': false } },
  // 32-bit ne and ordering: the u32 value against the whole register, so a sign-extended
  // negative or a set high word is a large number.
  { width: 32, op: 'ne', value: '0xffffffff', holds: { '0xffffffff': false, '-1': true, '0x1ffffffff': true, '0': true } },
  { width: 32, op: 'lt', value: '1000', holds: { '999': true, '0': true, '1000': false, '-1': false, '0x100000005': false } },
  { width: 32, op: 'le', value: '999', holds: { '999': true, '1000': false, '-1': false, '0x100000000': false } },
  { width: 32, op: 'gt', value: '0x7fffffff', holds: { '0x80000000': true, '-1': true, '-2147483648': true, '0x100000000': true, '0x7fffffff': false, '0': false } },
  { width: 32, op: 'ge', value: '-16', holds: { '0xfffffff0': true, '-16': true, '-1': true, '0x100000000': true, '0xffffffef': false, '5': false } },
  { width: 32, op: 'gt', value: '10', holds: { '11': true, '-1': true, '0x100000002': true, '10': false, '0': false } },
];

/** Cases and calls above; a change to the table must change these too, so none goes missing. */
const CASES = 20;
const CALLS = 91;
const MATCHED = 77;
/** The compare scenario has seven probe syscalls, one condition each. */
const PER_CHILD = 7;

const label = (c: Pinned) =>
  `arg${c.width === 32 ? '32' : ''}(0).${c.op}(${c.op === 'maskedEq' ? `${c.mask}, ` : ''}${c.value})`;

function chunks<T>(list: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));
}

function resultOf(o: ChildOutcome): { before: number[][]; after: number[][] } {
  assert.equal(o.error, undefined, `child failed: ${JSON.stringify(o.error)}\n${o.stderr.slice(0, 4000)}`);
  assert.equal(o.code, 0, `code=${o.code} signal=${o.signal}\n${o.stderr.slice(0, 4000)}`);
  return o.result as { before: number[][]; after: number[][] };
}

/** Runs one child's share; returns "condition on arg: got, want" for each wrong answer, and the calls made. */
async function runShare(run: Run, share: Pinned[], via: Via): Promise<{ wrong: string[]; calls: number }> {
  const cases: CompareCase[] = share.map(({ holds, ...c }) => ({ ...c, args: Object.keys(holds) }));
  const r = resultOf(await run('compare', { cases, via }));
  assert.equal(r.before.length, share.length, 'a result per case, unfiltered');
  assert.equal(r.after.length, share.length, 'a result per case, filtered');
  const wrong: string[] = [];
  let calls = 0;
  share.forEach((c, i) => {
    const args = Object.keys(c.holds);
    // The control: unfiltered, every probe call runs, so an errno later is the filter's.
    assert.deepEqual(r.before[i], args.map(() => 0), `${label(c)}: probe calls fail without a filter`);
    assert.equal(r.after[i]!.length, args.length, `${label(c)}: every call was made`);
    args.forEach((a, j) => {
      const want = c.holds[a] ? MATCHED : 0;
      if (r.after[i]![j] !== want) wrong.push(`${label(c)} on ${a}: errno ${r.after[i]![j]}, want ${want}`);
      calls++;
    });
  });
  return { wrong, calls };
}

export function defineCompareTests(t: Define, run: Run): void {
  // Both builders: libseccomp (SyscallFilter) and the SDK's own compiler (loadProfile).
  for (const via of ['libseccomp', 'typescript'] as const) {
    t(`comparison operators on a real argument register, built by ${via}: ${CASES} conditions, ${CALLS} calls, verdicts pinned by hand`, async () => {
      assert.equal(PINNED.length, CASES);
      const wrong: string[] = [];
      let calls = 0;
      for (const share of chunks(PINNED, PER_CHILD)) {
        const r = await runShare(run, share, via);
        wrong.push(...r.wrong);
        calls += r.calls;
      }
      assert.deepEqual(wrong, []);
      assert.equal(calls, CALLS, 'every pinned call ran');
    });
  }

  t('conditionHolds (what explain reports) agrees with every pinned verdict', async () => {
    const wrong: string[] = [];
    let calls = 0;
    for (const c of PINNED) {
      const b = (c.width === 32 ? arg32 : arg)(0);
      const cond = c.op === 'maskedEq' ? b.maskedEq(BigInt(c.mask!), BigInt(c.value)) : b[c.op](BigInt(c.value));
      for (const [a, holds] of Object.entries(c.holds)) {
        if (conditionHolds(cond, BigInt.asUintN(64, BigInt(a))) !== holds) wrong.push(`${label(c)} on ${a}: want ${holds}`);
        calls++;
      }
    }
    assert.deepEqual(wrong, []);
    assert.equal(calls, CALLS);
  });
}
