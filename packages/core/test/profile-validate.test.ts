import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Action } from '../src/actions.js';
import { arg, arg32 } from '../src/compare.js';
import { ProfileError } from '../src/errors.js';
import { defineProfile, validateProfile, type Profile } from '../src/profile/index.js';

/** The problems validateProfile reports for `input` (fails if it accepts it). */
function problems(input: unknown): readonly string[] {
  try {
    validateProfile(input);
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected ProfileError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('validateProfile accepted an invalid profile');
}

/** A valid x86_64 profile with `rule` as its only rule. */
const withRule = (rule: unknown, extra: object = {}) => ({ defaultAction: Action.errno('EPERM'), arches: ['x86_64'], rules: [rule], ...extra });

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

describe('validateProfile: valid profiles', () => {
  it('returns a normalised, deeply frozen copy', () => {
    const input = {
      defaultAction: Action.killProcess,
      arches: ['x86_64', 'x86', 'x86_64'],
      rules: [
        { syscalls: ['read', 'write'], action: Action.allow, conditions: [] },
        { syscalls: ['openat'], action: Action.errno('EACCES'), conditions: [{ arg: 2, op: 'eq', value: 0, mask: 0n, width: 64 }], priority: 10 },
        { syscalls: ['ioctl'], action: Action.allow, conditions: [arg(1).maskedEq(0xff00, 0x5400)], exact: true, comment: 'tty' },
      ],
      attributes: { tsync: true, optimize: 2, badArchAction: Action.killProcess },
    };
    const p = validateProfile(input);
    assert.notEqual(p, input);
    assert.ok(isDeepFrozen(p));
    assert.deepEqual(p.arches, ['x86_64', 'x86']);
    assert.equal(p.rules[0]?.conditions, undefined, 'an empty condition list means unconditional');
    assert.deepEqual(p.rules[1]?.conditions, [arg(2).eq(0)], 'number values become bigint');
    assert.deepEqual(p.rules[2], { syscalls: ['ioctl'], action: Action.allow, conditions: [arg(1).maskedEq(0xff00, 0x5400)], exact: true, comment: 'tty' });
    assert.deepEqual(p.attributes, { tsync: true, optimize: 2, badArchAction: Action.killProcess });
    assert.deepEqual(validateProfile(p), p, 'idempotent');
  });

  it('defineProfile validates a typed profile', () => {
    const p: Profile = { defaultAction: Action.allow, rules: [{ syscalls: ['ptrace'], action: Action.errno('EPERM') }] };
    assert.deepEqual(defineProfile(p), p);
    assert.throws(() => defineProfile({ ...p, rules: [{ syscalls: ['ptrace'], action: Action.allow }] }), ProfileError);
  });

  it('accepts a name some listed arch lacks, and socket calls on socketcall arches', () => {
    validateProfile({ defaultAction: Action.allow, arches: ['x86_64', 'aarch64'], rules: [{ syscalls: ['open', 'arch_prctl'], action: Action.errno(1) }] });
    validateProfile({ defaultAction: Action.allow, arches: ['x86'], rules: [{ syscalls: ['accept', 'semop'], action: Action.errno(1) }] });
  });

  it('accepts numbers, and syscall -1 with apiTskip', () => {
    validateProfile(withRule({ syscalls: [0, 257], action: Action.allow }));
    validateProfile(withRule({ syscalls: [-1], action: Action.allow }, { attributes: { apiTskip: true } }));
  });

  it('keeps 32-bit conditions as the builders make them', () => {
    const p = validateProfile(withRule({ syscalls: ['openat'], action: Action.allow, conditions: [arg32(0).eq(-100)] }));
    assert.deepEqual(p.rules[0]?.conditions, [arg32(0).eq(-100)]);
  });
});

describe('validateProfile: every mistake, with its path', () => {
  it('unknown syscall, with a suggestion', () => {
    assert.deepEqual(problems(withRule({ syscalls: ['read', 'opnat'], action: Action.allow })), [
      'rules[0].syscalls[1]: unknown syscall "opnat" (did you mean "openat"?)',
    ]);
  });

  it('a syscall none of the profile arches has', () => {
    const [p] = problems({ defaultAction: Action.allow, arches: ['aarch64'], rules: [{ syscalls: ['open'], action: Action.errno(1) }] });
    assert.match(p ?? '', /^rules\[0\]\.syscalls\[0\]: syscall "open" does not exist on aarch64 \(only on x86, x86_64/);
  });

  it('two conditions on one argument', () => {
    const rule = { syscalls: ['mmap'], action: Action.allow, conditions: [arg(2).eq(1), arg(0).eq(0), arg(2).eq(3)] };
    assert.deepEqual(problems(withRule(rule)), [
      'rules[0].conditions: two conditions on argument 2 (libseccomp takes one per argument; use two rules for "or")',
    ]);
  });

  it('more than six conditions', () => {
    const conditions = [0, 1, 2, 3, 4, 5, 0].map((i) => arg(i).eq(i));
    const list = problems(withRule({ syscalls: ['mmap'], action: Action.allow, conditions }));
    assert.ok(list.some((p) => p.startsWith('rules[0].conditions: 7 conditions: a syscall has 6 arguments')), list.join('\n'));
  });

  it('attributes', () => {
    assert.deepEqual(problems(withRule({ syscalls: ['read'], action: Action.allow }, { attributes: { optimize: 3, log: 'yes', tsnyc: true } })), [
      'attributes.tsnyc: unknown field (did you mean "tsync"?)',
      'attributes.log: must be true or false, got the string "yes"',
      'attributes.optimize: must be 1 or 2, got the number 3',
    ]);
  });

  it('unknown arch, with what it is called here', () => {
    assert.deepEqual(problems({ defaultAction: Action.allow, arches: ['amd64', 'SCMP_ARCH_AARCH64', 'vax', 7], rules: [] }), [
      'arches[0]: unknown arch "amd64" (did you mean "x86_64"?)',
      'arches[1]: unknown arch "SCMP_ARCH_AARCH64" (did you mean "aarch64"?)',
      `arches[2]: unknown arch "vax" (use one of x86, x86_64, x32, arm, aarch64, loongarch64, m68k, mips, mipsel, mips64, mipsel64, mips64n32, mipsel64n32, parisc, parisc64, ppc, ppc64, ppc64le, riscv64, s390, s390x, sh, sheb)`,
      'arches[3]: must be an arch name such as "x86_64", got the number 7',
    ]);
  });

  it('bad actions', () => {
    const list = problems({
      defaultAction: 'allow',
      rules: [
        { syscalls: ['read'], action: { kind: 'allw' } },
        { syscalls: ['read'], action: { kind: 'errno', errno: 70000 } },
        { syscalls: ['read'], action: undefined },
        { syscalls: ['write'], action: { kind: 'errno', errno: 4095 } },
        { syscalls: ['write'], action: { kind: 'trace', msg: 4095 } },
      ],
    });
    assert.deepEqual(list, [
      'defaultAction: must be an action such as Action.allow or Action.errno("EPERM"), got the string "allow" (profileFromJSON reads action strings)',
      'rules[0].action.kind: unknown action "allw" (did you mean "allow"?): use one of allow, killProcess, killThread, trap, log, notify, errno, trace',
      'rules[1].action.errno: must be an integer from 0 to 4094 (MAX_ERRNO is 4095: libseccomp refuses errno 4095 and above), got the number 70000',
      'rules[2].action: required',
      'rules[3].action.errno: must be an integer from 0 to 4094 (MAX_ERRNO is 4095: libseccomp refuses errno 4095 and above), got the number 4095',
    ]);
  });

  it('a rule with the default action', () => {
    assert.deepEqual(problems(withRule({ syscalls: ['read'], action: Action.errno('EPERM') })), [
      'rules[0].action: same as defaultAction (errno(EPERM)): the rule would change nothing, and libseccomp refuses it',
    ]);
  });

  it('priority outside 0–255', () => {
    for (const priority of [256, -1, 1.5, '7']) {
      const [p] = problems(withRule({ syscalls: ['read'], action: Action.allow, priority }));
      assert.match(p ?? '', /^rules\[0\]\.priority: must be an integer from 0 to 255, got /);
    }
  });

  it('empty or missing syscall list, bad entries', () => {
    assert.deepEqual(problems({ defaultAction: Action.allow, rules: [{ syscalls: [], action: Action.trap }, { action: Action.trap }, { syscalls: ['', 2 ** 40, null], action: Action.trap }] }), [
      'rules[0].syscalls: empty: a rule must name at least one syscall',
      'rules[1].syscalls: required',
      'rules[2].syscalls[0]: empty syscall name',
      'rules[2].syscalls[1]: must be a syscall name or a 32-bit syscall number, got the number 1099511627776',
      'rules[2].syscalls[2]: must be a syscall name or a 32-bit syscall number, got null',
    ]);
  });

  it('syscall -1 without apiTskip', () => {
    assert.deepEqual(problems(withRule({ syscalls: [-1], action: Action.allow })), ['rules[0].syscalls[0]: syscall -1 needs attributes.apiTskip (SCMP_FLTATR_API_TSKIP)']);
  });

  it('bad conditions', () => {
    const conditions = [
      { arg: 6, op: 'eq', value: 1n, mask: 0n, width: 64 },
      { arg: 0, op: 'equals', value: 1n, mask: 0n, width: 64 },
      { arg: 1, op: 'maskedEq', value: 0x11n, mask: 0x01n, width: 64 },
      { arg: 2, op: 'eq', value: 1n, mask: 5n, width: 64 },
      { arg: 3, op: 'eq', value: 1n << 32n, mask: 0n, width: 32 },
      { arg: 4, op: 'lt', value: -1n, mask: 0n, width: 64 },
      { arg: 5, op: 'gt', value: 1n, mask: 0n, width: 16 },
    ];
    assert.deepEqual(problems(withRule({ syscalls: ['read'], action: Action.allow, conditions })), [
      'rules[0].conditions: 7 conditions: a syscall has 6 arguments, and a rule takes at most one condition on each',
      'rules[0].conditions[0].arg: must be an argument index from 0 to 5, got the number 6',
      'rules[0].conditions[1].op: unknown comparison "equals": use one of ne, lt, le, eq, ge, gt, maskedEq',
      'rules[0].conditions[2].value: 0x11 has bits outside the mask 0x1, so the condition can never hold',
      'rules[0].conditions[3].mask: only maskedEq uses a mask, got the bigint 5n with eq',
      'rules[0].conditions[4].value: must be a bigint from 0 to 0xffffffff (arg32() turns negative ints into this range), got the bigint 4294967296n',
      "rules[0].conditions[5].value: must be a bigint from 0 to 0xffffffffffffffff (arg() turns negative values into two's complement), got the bigint -1n",
      'rules[0].conditions[6].width: must be 32 or 64, got the number 16',
    ]);
  });

  it('unknown fields, with a guess', () => {
    assert.deepEqual(problems({ defaultAction: Action.allow, rule: [], rules: [{ syscall: ['read'], syscalls: ['read'], action: Action.trap }] }), [
      'rule: unknown field (did you mean "rules"?)',
      'rules[0].syscall: unknown field (did you mean "syscalls"?)',
    ]);
  });

  it('not an object at all', () => {
    for (const input of [null, 'profile', 42, [], undefined]) {
      const [p] = problems(input);
      assert.match(p ?? '', /^profile: must be an object, got /);
    }
    assert.deepEqual(problems({}), ['defaultAction: required', 'rules: required (an empty list is fine)']);
  });

  it('lists every mistake in one error', () => {
    const err = (() => {
      try {
        validateProfile({ defaultAction: Action.allow, arches: ['amd64'], rules: [{ syscalls: ['opnat'], action: Action.allow, priority: 999 }], attributes: { optimize: 0 } });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ProfileError && err instanceof TypeError);
    assert.equal(err.problems.length, 5);
    assert.match(err.message, /^Invalid seccomp profile:\n {2}- arches\[0\]/);
  });

  it('a huge list of mistakes is cut short', () => {
    const rules = Array.from({ length: 500 }, () => ({ syscalls: [] as string[], action: Action.trap }));
    const list = problems({ defaultAction: Action.allow, rules });
    assert.equal(list.length, 201);
    assert.equal(list.at(-1), '… and 300 more problems');
  });
});
