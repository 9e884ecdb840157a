import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ARG_CMP_SIZE, SECCOMP_DATA_SIZE, SOCK_FILTER_SIZE, SOCK_FPROG_SIZE, decodeBpf, encodeBpf, packArgCmps, packSeccompData,
  packSockFprog, unpackArgCmps, toArgCmp, arg,
} from '../src/internal.js';

test('struct sizes match the C headers', () => {
  assert.deepEqual([ARG_CMP_SIZE, SOCK_FILTER_SIZE, SECCOMP_DATA_SIZE, SOCK_FPROG_SIZE], [24, 8, 64, 16]);
});

test('scmp_arg_cmp[]: u32 arg, u32 op, u64 datum_a, u64 datum_b', () => {
  const cmps = [toArgCmp(arg(1).eq(0o700)), toArgCmp(arg(0).maskedEq(0xff, 0x10))];
  const bytes = packArgCmps(cmps);
  assert.equal(bytes.length, 48);
  const dv = new DataView(bytes.buffer);
  assert.deepEqual([dv.getUint32(0, true), dv.getUint32(4, true), dv.getBigUint64(8, true)], [1, 4, 0o700n]);
  assert.deepEqual(unpackArgCmps(bytes), cmps);
});

test('sock_filter in either byte order', () => {
  const prog = [{ code: 0x20, jt: 0, jf: 0, k: 4 }, { code: 0x06, jt: 0, jf: 0, k: 0x7fff0000 }];
  const le = encodeBpf(prog, 'little');
  const be = encodeBpf(prog, 'big');
  assert.deepEqual(Array.from(le.subarray(0, 8)), [0x20, 0, 0, 0, 4, 0, 0, 0]);
  assert.deepEqual(Array.from(be.subarray(0, 8)), [0, 0x20, 0, 0, 0, 0, 0, 4]);
  assert.deepEqual(decodeBpf(le, 'little'), prog);
  assert.deepEqual(decodeBpf(be, 'big'), prog);
  assert.throws(() => decodeBpf(new Uint8Array(7)), /multiple of 8/);
});

test('seccomp_data: nr, arch, ip, args in the arch’s byte order', () => {
  const data = { nr: -1, arch: 0x80000016, instructionPointer: 0x1122n, args: [0x0102030405060708n] };
  const be = new DataView(packSeccompData(data, 'big').buffer);
  assert.equal(be.getUint32(0), 0xffffffff);
  assert.equal(be.getUint32(4), 0x80000016);
  assert.equal(be.getUint32(16), 0x01020304, 'big-endian: the high word of args[0] comes first');
  const le = new DataView(packSeccompData(data, 'little').buffer);
  assert.equal(le.getUint32(16, true), 0x05060708, 'little-endian: the low word comes first');
});

test('sock_fprog: length at 0, address at 8', () => {
  const f = new DataView(packSockFprog(3, 0xdeadbeefn).buffer);
  assert.equal(f.getUint16(0, true), 3);
  assert.equal(f.getBigUint64(8, true), 0xdeadbeefn);
  assert.throws(() => packSockFprog(0, 0n), /1 to 4096/);
  assert.throws(() => packSockFprog(4097, 0n), /1 to 4096/);
});
