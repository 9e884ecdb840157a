import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Action } from '../src/actions.js';
import { arg, arg32 } from '../src/compare.js';
import { ProfileError } from '../src/errors.js';
import { profileFromJSON, profileToJSON, validateProfile, type ProfileJSON } from '../src/profile/index.js';

const full = validateProfile({
  defaultAction: Action.errno('EPERM'),
  arches: ['x86_64', 'x86'],
  rules: [
    { syscalls: ['read', 'write', 0], action: Action.allow, priority: 255 },
    { syscalls: ['openat'], action: Action.errno('EACCES'), conditions: [arg32(0).eq(-100), arg(2).maskedEq(3, 1)], comment: 'no O_WRONLY' },
    { syscalls: ['mmap'], action: Action.errno(4000), conditions: [arg(0).gt(0xffff_ffff_ffff_fff0n)], exact: true },
    { syscalls: ['ptrace'], action: Action.trace(7) },
    { syscalls: ['kill'], action: Action.killThread },
  ],
  attributes: { tsync: false, noNewPrivs: true, log: true, specAllow: false, optimize: 2, badArchAction: Action.trap, rawRc: true, apiTskip: false },
});

describe('profile JSON', () => {
  it('round-trips exactly through JSON text', () => {
    const text = JSON.stringify(profileToJSON(full));
    assert.deepEqual(profileFromJSON(JSON.parse(text)), full);
  });

  it('writes actions as strings and values as hex, keeping the width', () => {
    const json = profileToJSON(full);
    assert.equal(json.defaultAction, 'errno(EPERM)');
    assert.deepEqual(json.rules[1], {
      syscalls: ['openat'],
      action: 'errno(EACCES)',
      conditions: [
        { arg: 0, op: 'eq', value: '0xffffff9c', width: 32 },
        { arg: 2, op: 'maskedEq', value: '0x1', mask: '0x3', width: 64 },
      ],
      comment: 'no O_WRONLY',
    });
    assert.equal(json.rules[2]?.action, 'errno(4000)');
    assert.equal(json.rules[2]?.conditions?.[0]?.value, '0xfffffffffffffff0', 'above 2^53, still exact');
    assert.equal(json.rules[3]?.action, 'trace(7)');
    assert.equal(json.attributes?.badArchAction, 'trap');
  });

  it('reads its own output back to the same JSON', () => {
    const json: ProfileJSON = {
      defaultAction: 'killProcess',
      rules: [{ syscalls: ['read'], action: 'allow', conditions: [{ arg: 0, op: 'le', value: '0x2', width: 64 }] }],
    };
    assert.deepEqual(profileToJSON(profileFromJSON(json)), json);
  });

  it('accepts decimal strings and small numbers as values', () => {
    const p = profileFromJSON({
      defaultAction: 'allow',
      rules: [{ syscalls: ['read'], action: 'errno(1)', conditions: [{ arg: 0, op: 'eq', value: '18446744073709551615', width: 64 }, { arg: 1, op: 'eq', value: 5, width: 64 }] }],
    });
    assert.deepEqual(p.rules[0]?.conditions, [arg(0).eq(-1), arg(1).eq(5)]);
  });

  it('reports JSON mistakes and model mistakes together, once each', () => {
    const input = () =>
      profileFromJSON({
        defaultAction: 'alow',
        arches: ['amd64'],
        rules: [
          { syscalls: ['read'], action: 42 },
          { syscalls: ['opnat'], action: 'errno(EPERM)', conditions: [{ arg: 0, op: 'eq', value: '0xZZ', width: 64 }] },
        ],
      });
    assert.throws(input, (err) => {
      assert.ok(err instanceof ProfileError, String(err));
      assert.deepEqual(err.problems, [
        'defaultAction: unknown action "alow": use allow, errno(EPERM), errno(13), killProcess, killThread, trap, log, notify or trace(n)',
        'rules[0].action: must be an action string such as "allow" or "errno(EPERM)", got the number 42',
        'rules[1].conditions[0].value: must be an integer from 0 to 2^64-1 (a number, or a decimal or "0x" hex string), got the string "0xZZ"',
        'arches[0]: unknown arch "amd64" (did you mean "x86_64"?)',
        'rules[1].syscalls[0]: unknown syscall "opnat" (did you mean "openat"?)',
      ]);
      return true;
    });
  });

  it('refuses what is not a profile', () => {
    assert.throws(() => profileFromJSON('{"defaultAction":"allow"}'), /profile: must be an object/);
    assert.throws(() => profileFromJSON(null), ProfileError);
  });
});
