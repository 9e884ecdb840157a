import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  arg, arg32, CMP, compareOpName, conditionHolds, formatCondition, toArgCmp, toU64, toU32,
} from '../src/internal.js';

test('operators carry libseccomp enum scmp_compare values', () => {
  assert.deepEqual({ ...CMP }, { ne: 1, lt: 2, le: 3, eq: 4, ge: 5, gt: 6, maskedEq: 7 });
  for (const [name, v] of Object.entries(CMP)) assert.equal(compareOpName(v), name);
  assert.throws(() => compareOpName(8), /1 \(NE\) to 7 \(MASKED_EQ\)/);
});

test('scmp_arg_cmp encoding: datum_a is the value, or the mask for MASKED_EQ', () => {
  assert.deepEqual(toArgCmp(arg(1).eq(0o700)), { arg: 1, op: 4, datumA: 0o700n, datumB: 0n });
  assert.deepEqual(toArgCmp(arg(0).maskedEq(0x7e020000, 0)), { arg: 0, op: 7, datumA: 0x7e020000n, datumB: 0n });
  assert.deepEqual(toArgCmp(arg(5).gt(2n ** 63n)), { arg: 5, op: 6, datumA: 2n ** 63n, datumB: 0n });
});

test('64-bit values: bigint or safe numbers, negatives as two’s complement, range-checked', () => {
  assert.equal(arg(0).eq(-1).value, 0xffffffffffffffffn);
  assert.equal(arg(0).eq(2n ** 64n - 1n).value, 0xffffffffffffffffn);
  assert.throws(() => arg(0).eq(2n ** 64n), /does not fit in 64 bits/);
  assert.throws(() => arg(0).eq(2 ** 53), /use a bigint/);
  assert.throws(() => arg(0).eq(1.5), RangeError);
  assert.throws(() => arg(6), /argument index must be 0 to 5/);
  assert.throws(() => arg(-1), RangeError);
  assert.equal(toU64(-2n), 0xfffffffffffffffen);
});

test('32-bit form: C int values, low word only for eq', () => {
  const c = arg32(0).eq(-100);
  assert.equal(c.value, 0xffffff9cn);
  assert.deepEqual(toArgCmp(c), { arg: 0, op: 7, datumA: 0xffffffffn, datumB: 0xffffff9cn });
  assert.equal(conditionHolds(c, 0xffffffffffffff9cn), true, 'sign-extended AT_FDCWD');
  assert.equal(conditionHolds(c, 0x12345678ffffff9cn), true, 'garbage in the high word is ignored');
  assert.equal(conditionHolds(arg(0).eq(-100), 0x00000000ffffff9cn), false, 'the 64-bit form compares all bits');
  assert.throws(() => arg32(1).eq(2 ** 32), /-2147483648 to 4294967295/);
  assert.throws(() => toU32(-(2 ** 31) - 1), RangeError);
});

test('conditionHolds is unsigned for every operator', () => {
  const big = 0x8000000000000000n;
  assert.equal(conditionHolds(arg(0).gt(1), big), true);
  assert.equal(conditionHolds(arg(0).lt(1), big), false);
  assert.equal(conditionHolds(arg(0).le(5), 5n), true);
  assert.equal(conditionHolds(arg(0).ge(5), 4n), false);
  assert.equal(conditionHolds(arg(0).ne(5), 4n), true);
  assert.equal(conditionHolds(arg(0).maskedEq(0xff00, 0x1200), 0x12ffn), true);
  assert.equal(formatCondition(arg(2).maskedEq(0xf0, 0x10)), 'arg(2).maskedEq(0xf0, 0x10)');
  assert.equal(formatCondition(arg32(1).eq(7)), 'arg32(1).eq(0x7)');
});
