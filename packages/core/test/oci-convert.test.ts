import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Action } from '../src/actions.js';
import { arg, arg32, conditionHolds } from '../src/compare.js';
import { ProfileError } from '../src/errors.js';
import { fromOci, resolveOci, toOci, validateProfile } from '../src/profile/index.js';

function problems(input: unknown): readonly string[] {
  try {
    fromOci(input);
  } catch (err) {
    assert.ok(err instanceof ProfileError, `expected ProfileError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('fromOci accepted an invalid profile');
}

const x86_64 = { arch: 'x86_64' } as const;

describe('toOci: SDK profile → OCI', () => {
  it('converts actions, arches, flags, conditions and comments', () => {
    const oci = toOci({
      defaultAction: Action.errno('EPERM'),
      arches: ['x86_64', 'x32'],
      rules: [
        { syscalls: ['read', 'write'], action: Action.allow, priority: 3, exact: true },
        { syscalls: ['ioctl'], action: Action.errno('ENOTTY'), conditions: [arg(1).maskedEq(0xff00, 0x5400)], comment: 'tty only' },
        { syscalls: ['openat'], action: Action.allow, conditions: [arg32(0).eq(-100), arg(2).lt(2)] },
        { syscalls: ['mmap'], action: Action.trace(9), conditions: [arg(0).ge(-1)] },
        { syscalls: ['kill'], action: Action.killThread },
      ],
      attributes: { tsync: true, log: true, specAllow: true, optimize: 2, noNewPrivs: false },
    });
    assert.deepEqual(oci, {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'],
      flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        {
          names: ['ioctl'], action: 'SCMP_ACT_ERRNO', errnoRet: 25, comment: 'tty only',
          args: [{ index: 1, value: 0xff00, valueTwo: 0x5400, op: 'SCMP_CMP_MASKED_EQ' }],
        },
        {
          names: ['openat'], action: 'SCMP_ACT_ALLOW',
          // A 32-bit eq compares the low word only, exactly as libseccomp is given it.
          args: [{ index: 0, value: 0xffffffff, valueTwo: 0xffffff9c, op: 'SCMP_CMP_MASKED_EQ' }, { index: 2, value: 2, op: 'SCMP_CMP_LT' }],
        },
        { names: ['mmap'], action: 'SCMP_ACT_TRACE', errnoRet: 9, args: [{ index: 0, value: '0xffffffffffffffff', op: 'SCMP_CMP_GE' }] },
        { names: ['kill'], action: 'SCMP_ACT_KILL_THREAD' },
      ],
    });
  });

  it('refuses syscall numbers: OCI names its syscalls', () => {
    assert.throws(() => toOci({ defaultAction: Action.allow, arches: ['x86_64'], rules: [{ syscalls: ['read', 59], action: Action.trap }] }), (err: unknown) => {
      assert.ok(err instanceof ProfileError);
      assert.deepEqual(err.problems, ['rules[0].syscalls[1]: OCI profiles name their syscalls; write the name of syscall 59']);
      return true;
    });
  });

  it('round-trips through resolveOci', () => {
    const p = validateProfile({
      defaultAction: Action.killProcess,
      arches: ['x86_64', 'x86'],
      rules: [
        { syscalls: ['read', 'write'], action: Action.allow },
        { syscalls: ['openat'], action: Action.errno('EACCES'), conditions: [arg(2).maskedEq(3, 1), arg(0).ne(5)], comment: 'no writes' },
        { syscalls: ['ptrace'], action: Action.trace(4) },
      ],
      attributes: { log: true },
    });
    const { profile, warnings } = resolveOci(toOci(p), x86_64);
    assert.deepEqual(warnings, []);
    assert.deepEqual(profile, p);
  });

  it('a 32-bit condition keeps its meaning through OCI', () => {
    const oci = toOci({ defaultAction: Action.allow, arches: ['x86_64'], rules: [{ syscalls: ['openat'], action: Action.errno(1), conditions: [arg32(0).eq(-100)] }] });
    const back = resolveOci(oci, x86_64).profile.rules[0]?.conditions?.[0];
    assert.ok(back);
    for (const v of [0xffffff9cn, 0xffffffffffffff9cn, 0x12345678ffffff9cn, 100n, 0xffffff9dn]) {
      assert.equal(conditionHolds(back, v), conditionHolds(arg32(0).eq(-100), v), `0x${v.toString(16)}`);
    }
  });
});

describe('fromOci: checking OCI JSON', () => {
  it('lists every mistake with its path', () => {
    const list = problems({
      defaultAction: 'SCMP_ACT_ALOW',
      defaultErrnoRet: -1,
      architectures: ['SCMP_ARCH_X86_64', 'x86_64'],
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: null }],
      flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'TSYNC'],
      listenerPath: 5,
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ERRNO', errnoret: 1 },
        { names: [], action: 'SCMP_ACT_ALLOW' },
        { names: ['a'], name: 'b', action: 'SCMP_ACT_ALLOW' },
        { action: 'SCMP_ACT_ALLOW' },
        { names: ['x', ''], action: 'SCMP_ACT_ERRNO', errnoRet: 70000 },
        { names: ['x'], action: 'allow', includes: { arches: ['SCMP_ARCH_AARCH64', 'vax'] } },
        {
          names: ['mmap'], action: 'SCMP_ACT_ALLOW',
          args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }, { index: 0, value: -1, op: 'EQ' }, { index: 0, value: 1.5, valueTwo: '0x1g', op: 'SCMP_CMP_NE' }, { value: 2 ** 64, op: 'SCMP_CMP_EQ' }],
        },
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['SYS_ADMIN'], arches: ['amd46'], minKernel: '4' }, excludes: [] },
      ],
    });
    assert.deepEqual(list, [
      'defaultAction: unknown action "SCMP_ACT_ALOW" (did you mean "SCMP_ACT_ALLOW"?)',
      'defaultErrnoRet: must be an integer from 0 to 65535 (the 16 data bits of the return value), got the number -1',
      'architectures[1]: unknown arch "x86_64" (did you mean "SCMP_ARCH_X86_64"?)',
      'flags[1]: unknown flag "TSYNC" (did you mean "SECCOMP_FILTER_FLAG_TSYNC"?)',
      'listenerPath: must be a string, got the number 5',
      'syscalls[0].errnoret: unknown field (did you mean "errnoRet"?)',
      'syscalls[1].names: empty: list at least one syscall',
      'syscalls[2].name: given together with names: use one or the other (Docker refuses both)',
      'syscalls[3].names: required (a list of syscall names)',
      'syscalls[4].names[1]: must be a syscall name, got the string ""',
      'syscalls[4].errnoRet: must be an integer from 0 to 65535 (the 16 data bits of the return value), got the number 70000',
      'syscalls[5].action: unknown action "allow" (did you mean "SCMP_ACT_ALLOW"?)',
      'syscalls[5].includes.arches[0]: unknown arch "SCMP_ARCH_AARCH64" (did you mean "arm64"?)',
      'syscalls[5].includes.arches[1]: unknown arch "vax"; use one of x86, x86_64, amd64, x32, arm, aarch64, arm64, loongarch64, loong64, m68k, mips, mipsel, mipsle, mips64, mipsel64, mips64n32, mipsel64n32, mips3l64n32, parisc, parisc64, ppc, ppc64, ppc64le, riscv64, s390, s390x, sh, sheb',
      'syscalls[6].args[0].index: must be an argument index from 0 to 5, got the number 6',
      'syscalls[6].args[1].value: must be an integer from 0 to 2^64-1 (a number, or a decimal or "0x" hex string), got the number -1',
      'syscalls[6].args[1].op: unknown operator "EQ" (did you mean "SCMP_CMP_EQ"?)',
      'syscalls[6].args[2].value: must be an integer from 0 to 2^64-1 (a number, or a decimal or "0x" hex string), got the number 1.5',
      'syscalls[6].args[2].valueTwo: must be an integer from 0 to 2^64-1 (a number, or a decimal or "0x" hex string), got the string "0x1g"',
      'syscalls[6].args[3].index: required',
      'syscalls[6].args[3].value: must be an integer from 0 to 2^64-1 (a number, or a decimal or "0x" hex string), got the number 18446744073709552000',
      'syscalls[7].includes.arches[0]: unknown arch "amd46" (did you mean "amd64"?)',
      'syscalls[7].includes.caps[0]: must be a capability name such as "CAP_SYS_ADMIN", got the string "SYS_ADMIN" (write "CAP_SYS_ADMIN")',
      'syscalls[7].includes.minKernel: must be a kernel version "major.minor" such as "4.8", got the string "4"',
      'syscalls[7].excludes: must be an object { arches, caps, minKernel }, got an array',
      'archMap: given together with architectures: use one or the other (Docker refuses both)',
    ]);
  });

  it('refuses what is not a profile', () => {
    for (const input of [null, [], 'x', 1, undefined]) assert.match(problems(input)[0] ?? '', /^profile: must be an object/);
    assert.deepEqual(problems({}), ['defaultAction: required']);
  });

  it('keeps values as written, strings included, and nulls', () => {
    const input = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: null,
      flags: null,
      syscalls: [{ names: ['mmap'], action: 'SCMP_ACT_ERRNO', errnoRet: null, args: [{ index: 0, value: '0xffffffffffffffff', valueTwo: '0', op: 'SCMP_CMP_MASKED_EQ' }], includes: {}, excludes: null, comment: null }],
    };
    assert.deepEqual(toOci(fromOci(input)), input);
    const rule = resolveOci(input, x86_64).profile.rules[0];
    assert.deepEqual(rule?.conditions, [arg(0).maskedEq(-1, 0)]);
    assert.deepEqual(rule?.action, Action.errno('EPERM'), 'SCMP_ACT_ERRNO without errnoRet is EPERM');
  });
});

describe('resolveOci: OCI details', () => {
  const base = (extra: object): object => ({ defaultAction: 'SCMP_ACT_ERRNO', ...extra });

  it('MASKED_EQ: value is the mask, valueTwo the datum', () => {
    const { profile } = resolveOci(base({ syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0xf, valueTwo: 0x1, op: 'SCMP_CMP_MASKED_EQ' }] }] }), x86_64);
    const [c] = profile.rules[0]?.conditions ?? [];
    assert.deepEqual(c, arg(1).maskedEq(0xf, 0x1));
    assert.ok(c && conditionHolds(c, 0x81n) && !conditionHolds(c, 0x2n));
  });

  it('architectures without archMap; the arch itself is always covered', () => {
    assert.deepEqual(resolveOci(base({ architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64'] }), x86_64).profile.arches, ['x86_64', 'x86']);
    assert.deepEqual(resolveOci(base({}), { arch: 'riscv64' }).profile.arches, ['riscv64']);
  });

  it('flags become attributes; TSYNC is implied; the rest is a warning', () => {
    const { profile, warnings } = resolveOci(base({ flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] }), x86_64);
    assert.deepEqual(profile.attributes, { log: true, specAllow: true });
    assert.deepEqual(warnings, ['flags[3]: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV has no equivalent in the SDK profile; left out']);
  });

  it('warns about what it leaves out', () => {
    const { profile, warnings } = resolveOci(base({
      defaultErrnoRet: 13,
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 5 },
        { names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        { names: ['no_such_call', 'fork'], action: 'SCMP_ACT_TRAP' },
        { names: ['no_such_call'], action: 'SCMP_ACT_LOG' },
        { name: 'getpid', action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 2 ** 60, valueTwo: 3, op: 'SCMP_CMP_EQ' }] },
      ],
    }), x86_64);
    assert.deepEqual(profile.defaultAction, Action.errno('EACCES'));
    assert.deepEqual(profile.rules.map((r) => r.syscalls), [['read'], ['fork'], ['getpid']]);
    assert.deepEqual(warnings, [
      'syscalls[0].errnoRet: ignored with SCMP_ACT_ALLOW (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE read it)',
      'syscalls[1]: same action as defaultAction, so it changes nothing (runc skips it, libseccomp refuses it); left out',
      'syscalls[2].names[0]: unknown syscall "no_such_call"; left out',
      'syscalls[3].names[0]: unknown syscall "no_such_call"; left out',
      'syscalls[3]: none of its syscalls exists on x86_64; left out',
      'syscalls[4].args[0]: a number above 2^53, which JSON may have rounded; write it as a "0x…" string',
      'syscalls[4].args[0].valueTwo: only SCMP_CMP_MASKED_EQ reads it; ignored',
    ]);
  });

  it('Docker arch spellings and ours both match includes/excludes', () => {
    const oci = base({
      syscalls: [
        { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
        { names: ['iopl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['x86_64'] } },
        { names: ['ioperm'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } },
        { names: ['kexec_load'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_BOOT', 'CAP_SYS_ADMIN'] } },
        { names: ['uselib'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.0' } },
      ],
    });
    const names = (o: object) => resolveOci(oci, { arch: 'x86_64', ...o }).profile.rules.flatMap((r) => r.syscalls);
    assert.deepEqual(names({}), ['arch_prctl', 'iopl']);
    assert.deepEqual(names({ capabilities: ['CAP_SYS_BOOT'] }), ['arch_prctl', 'iopl'], 'includes needs every cap');
    assert.deepEqual(names({ capabilities: ['CAP_SYS_BOOT', 'CAP_SYS_ADMIN'], kernelVersion: '4.19' }), ['arch_prctl', 'iopl', 'kexec_load', 'uselib']);
  });
});
