import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Action, RET, actionsEqual, decodeAction, encodeAction, formatAction, fromOciAction, isAction, parseAction, toOciAction,
  errnoName, errnoNumber, ERRNO,
} from '../src/index.js';

const ALL = [
  Action.allow, Action.killProcess, Action.killThread, Action.trap, Action.log, Action.notify,
  Action.errno('EPERM'), Action.errno(0), Action.errno(4094), Action.trace(0), Action.trace(7), Action.trace(65535),
];

test('every action round-trips through the kernel u32', () => {
  for (const a of ALL) assert.deepEqual(decodeAction(encodeAction(a)), a, formatAction(a));
});

test('encodings are exactly SECCOMP_RET_* (linux/seccomp.h)', () => {
  assert.equal(encodeAction(Action.killProcess), 0x80000000);
  assert.equal(encodeAction(Action.killThread), 0);
  assert.equal(encodeAction(Action.trap), 0x00030000);
  assert.equal(encodeAction(Action.errno('EPERM')), 0x00050001);
  assert.equal(encodeAction(Action.errno('EACCES')), 0x0005000d);
  assert.equal(encodeAction(Action.notify), 0x7fc00000);
  assert.equal(encodeAction(Action.trace(7)), 0x7ff00007);
  assert.equal(encodeAction(Action.log), 0x7ffc0000);
  assert.equal(encodeAction(Action.allow), RET.ALLOW);
  assert.equal(Action.kill, Action.killThread, "libseccomp's SCMP_ACT_KILL kills the thread");
});

test('unknown action bits and bad data are refused with a message that says what to do', () => {
  assert.throws(() => decodeAction(0x12340000), /not a seccomp action/);
  assert.throws(() => Action.errno(65536), RangeError);
  // MAX_ERRNO: libseccomp refuses 4095 and above, so the builder does, naming the limit.
  assert.throws(() => Action.errno(4095), { name: 'RangeError', message: /0 to 4094 \(MAX_ERRNO is 4095/ });
  assert.throws(() => Action.errno(65535), RangeError);
  assert.equal(Action.errno(4094).kind, 'errno');
  // What a program returns is decoded as it is, even past the limit (the kernel caps it).
  assert.deepEqual(decodeAction(0x0005ffff), { kind: 'errno', errno: 65535 });
  assert.equal(encodeAction(decodeAction(0x0005ffff)), 0x0005ffff);
  assert.throws(() => Action.errno(-1), RangeError);
  assert.throws(() => Action.errno('ENOPE'), /Unknown errno name "ENOPE"/);
  assert.throws(() => Action.trace(1.5), RangeError);
  assert.throws(() => encodeAction({ kind: 'nope' } as never), /Not an action/);
  assert.equal(isAction({ kind: 'allow' }), true);
  assert.equal(isAction({ kind: 'errno' }), false);
  assert.equal(isAction(null), false);
});

test('formatAction and parseAction are inverses', () => {
  for (const a of ALL) assert.ok(actionsEqual(parseAction(formatAction(a)), a), formatAction(a));
  assert.deepEqual(parseAction('errno'), Action.errno('EPERM'));
  assert.deepEqual(parseAction('errno(13)'), Action.errno('EACCES'));
  assert.throws(() => parseAction('allow(3)'), /Unknown action/);
  assert.throws(() => parseAction('explode'), /Unknown action "explode"/);
});

test('OCI action names with errnoRet', () => {
  assert.deepEqual(fromOciAction('SCMP_ACT_ERRNO', 38), Action.errno('ENOSYS'));
  assert.deepEqual(fromOciAction('SCMP_ACT_ERRNO'), Action.errno('EPERM'), 'runc defaults errnoRet to EPERM');
  assert.deepEqual(fromOciAction('SCMP_ACT_KILL'), Action.killThread);
  assert.deepEqual(fromOciAction('SCMP_ACT_KILL_PROCESS'), Action.killProcess);
  assert.deepEqual(fromOciAction('SCMP_ACT_TRACE', 3), Action.trace(3));
  assert.throws(() => fromOciAction('SCMP_ACT_EXPLODE'), /Unknown OCI action/);
  for (const a of ALL) {
    const { action, ret } = toOciAction(a);
    assert.ok(actionsEqual(fromOciAction(action, ret), a), formatAction(a));
  }
});

test('errno names and numbers (generic Linux table)', () => {
  assert.equal(errnoNumber('EPERM'), 1);
  assert.equal(errnoNumber('ENOSYS'), 38);
  assert.equal(errnoNumber('EWOULDBLOCK'), ERRNO.EAGAIN);
  assert.equal(errnoName(13), 'EACCES');
  assert.equal(errnoName(41), undefined, '41 is unused on the generic table');
  for (const [name, nr] of Object.entries(ERRNO)) assert.equal(errnoName(nr), name);
});
