// Any arch compiles on any host: the SDK's compiler writes each target's byte order, judged
// here by the emulator reading the program as that arch's kernel would; and the rule that
// keeps libseccomp (which cannot) away from arches it would build wrong or not at all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Action, actionsEqual, type Action as ActionT } from '../src/actions.js';
import { ARCH_NAMES, ARCHES, type ArchName } from '../src/arch.js';
import { arg, conditionHolds } from '../src/compare.js';
import { compileProgram, CompileError, type CompileWarning } from '../src/compiler.js';
import { decodeBpf } from '../src/abi.js';
import { emulate } from '../src/bpf/index.js';
import { DOCKER_DEFAULT_PROFILE, resolveOci, type Profile } from '../src/profile/index.js';
import { syscallNames } from '../src/syscalls/index.js';
import { planBuild } from '../src/api.js';
import { LIBSECCOMP_ARCH_SINCE, LibseccompArchError, libseccompArchRefusal } from '../src/libseccomp-arches.js';
import type { LibraryVersion } from '../src/library.js';

const V254: LibraryVersion = { major: 2, minor: 5, micro: 4 };
const V260: LibraryVersion = { major: 2, minor: 6, micro: 0 };

/**
 * What the profile says for a call: the first rule whose name and conditions match, else the
 * default. A 32-bit arch's registers are one word: the kernel passes the low 32 bits.
 */
function expected(profile: Profile, arch: ArchName, name: string, args: readonly bigint[]): ActionT {
  const word = ARCHES[arch].bits === 32 ? 0xffff_ffffn : (1n << 64n) - 1n;
  for (const rule of profile.rules) {
    if (!rule.syscalls.includes(name)) continue;
    if ((rule.conditions ?? []).every((c) => conditionHolds(c, (args[c.arg] ?? 0n) & word))) return rule.action;
  }
  return profile.defaultAction;
}

/** Every syscall of every arch of the profile, through the emulator in that arch's byte order. */
function judge(bytes: Uint8Array, profile: Profile, argSets: readonly (readonly bigint[])[]): number {
  let calls = 0;
  for (const arch of profile.arches!) {
    for (const name of syscallNames(arch)) {
      for (const args of argSets) {
        const got = emulate(bytes, { arch, syscall: name, args }).action;
        const want = expected(profile, arch, name, args);
        assert.ok(actionsEqual(got, want), `${name}(${args.join(', ')}) on ${arch}: ${JSON.stringify(got)}, the profile says ${JSON.stringify(want)}`);
        calls++;
      }
    }
  }
  return calls;
}

/**
 * A few rules with conditions. Where every arch is 64-bit, a comparison whose datum needs both
 * words of the argument (each word sits where the arch's byte order puts it in seccomp_data);
 * a 32-bit arch's arguments are one word, and libseccomp compares only that.
 */
function small(arches: readonly ArchName[]): Profile {
  const wide = arches.every((a) => ARCHES[a].bits === 64);
  return {
    defaultAction: Action.errno('EPERM'),
    arches,
    rules: [
      { syscalls: ['read', 'write', 'exit_group', 'close'], action: Action.allow },
      { syscalls: ['kill'], action: Action.allow, conditions: [arg(1).eq(0)] },
      { syscalls: ['lseek'], action: Action.errno('EINVAL'), conditions: [arg(1).gt(wide ? 0x1_0000_0000n : 0x1000n)] },
      { syscalls: ['ptrace'], action: Action.killProcess },
    ],
  };
}
const ARGS = [[0n, 0n], [1n, 0x1_0000_0001n], [7n, 9n], [2n, 0x2000n]] as const;

describe('the SDK compiler builds every arch on this host, in the arch\'s byte order', () => {
  const sets: ArchName[][] = [['s390x'], ['ppc64'], ['mips'], ['x86_64', 'aarch64', 'riscv64', 'mipsel'], ['s390x', 's390']];
  for (const arches of sets) {
    it(arches.join(' + '), () => {
      const profile = small(arches);
      const program = compileProgram(profile, { nativeArch: 'x86_64' });
      const endian = ARCHES[arches[0]!].endian;
      assert.equal(program.endian, endian);
      // The first instruction is `ld [4]` (the arch word): code 0x20 in the target's order.
      assert.deepEqual([...program.bytes.subarray(0, 2)], endian === 'big' ? [0, 0x20] : [0x20, 0]);
      assert.deepEqual(decodeBpf(program.bytes, endian), program.program);
      assert.ok(judge(program.bytes, profile, ARGS) > 300 * arches.length);
    });
  }

  it('a big-endian program read in the other byte order is not the same program', () => {
    const { bytes } = compileProgram(small(['s390x']), { nativeArch: 'x86_64' });
    assert.notDeepEqual(decodeBpf(bytes, 'little'), decodeBpf(bytes, 'big'));
    const asIfLittle = (() => {
      try {
        return emulate(bytes, { arch: 's390x', syscall: 'read', endian: 'little' }).action;
      } catch (err) {
        return err as Error;
      }
    })();
    assert.ok(asIfLittle instanceof Error || !actionsEqual(asIfLittle, Action.allow), 'read in the wrong order, the program must not allow read');
  });

  it("Docker's default, resolved for s390x and for ppc64, compiled on x86_64", () => {
    for (const arch of ['s390x', 'ppc64'] as const) {
      const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch });
      const program = compileProgram(profile, { nativeArch: 'x86_64' });
      assert.equal(program.endian, 'big');
      assert.ok(judge(program.bytes, profile, [[0n, 0n, 0n]]) > 300, arch);
    }
  });
});

describe('which arches libseccomp can build on this host (libseccompArchRefusal)', () => {
  it('the arches libseccomp 2.6.0 added, and no other, need more than 2.5', () => {
    assert.deepEqual(Object.keys(LIBSECCOMP_ARCH_SINCE).sort(), ['loongarch64', 'm68k', 'sh', 'sheb']);
    for (const since of Object.values(LIBSECCOMP_ARCH_SINCE)) assert.equal(since, '2.6.0');
  });

  it('on x86_64 with 2.5.4: the little-endian arches 2.5 knows, and nothing else', () => {
    const buildable = ARCH_NAMES.filter((a) => !libseccompArchRefusal([a], 'x86_64', V254));
    // As seccomp_arch_add() answered on x86_64 with 2.5.4 (after removing the native arch for
    // big-endian ones, whose programs then come out byte-swapped where a long jump needs a return).
    assert.deepEqual(buildable, ['x86', 'x86_64', 'x32', 'arm', 'aarch64', 'mipsel', 'mipsel64', 'mipsel64n32', 'ppc64le', 'riscv64']);
    for (const arch of ARCH_NAMES.filter((a) => ARCHES[a].endian === 'big')) {
      const err = libseccompArchRefusal([arch], 'x86_64', V254);
      assert.ok(err instanceof LibseccompArchError && err instanceof RangeError);
      assert.equal(err.reason, 'otherByteOrder');
      assert.equal(err.arch, arch);
      assert.equal(err.hostArch, 'x86_64');
      assert.match(err.message, /the SDK's compiler \(the default\) builds it/);
    }
    for (const arch of ['loongarch64', 'sh'] as const) {
      const err = libseccompArchRefusal(['x86_64', arch], 'x86_64', V254);
      assert.deepEqual({ reason: err?.reason, arch: err?.arch, library: err?.library, since: err?.since }, { reason: 'archTooNew', arch, library: '2.5.4', since: '2.6.0' });
      assert.equal(libseccompArchRefusal([arch], 'x86_64', V260), undefined);
    }
  });

  it('the host decides the byte order: on s390x the little-endian arches are refused', () => {
    assert.equal(libseccompArchRefusal(['s390x', 's390'], 's390x', V254), undefined);
    assert.equal(libseccompArchRefusal(['x86_64'], 's390x', V254)?.reason, 'otherByteOrder');
    assert.equal(libseccompArchRefusal([], 's390x', V254), undefined, 'no arches: the host\'s alone');
  });

  it('without a loaded library only the byte order is judged', () => {
    assert.equal(libseccompArchRefusal(['loongarch64'], 'x86_64'), undefined);
    assert.equal(libseccompArchRefusal(['ppc'], 'x86_64')?.reason, 'otherByteOrder');
  });
});

describe('planBuild never hands libseccomp an arch it cannot build here', () => {
  const allow: Profile = { defaultAction: Action.allow, rules: [{ syscalls: ['read'], action: Action.errno('EPERM') }] };
  // Told apart only by arg0, these become one rule with two actions on socketcall: the SDK's
  // compiler refuses them (overlap, eexist), a refusal it would otherwise leave to libseccomp.
  const overlapping = (arches: ArchName[]): Profile => ({
    defaultAction: Action.allow,
    arches,
    rules: [
      { syscalls: ['socket'], action: Action.errno(1), conditions: [arg(0).eq(1)] },
      { syscalls: ['socket'], action: Action.errno(2), conditions: [arg(0).eq(2)] },
    ],
  });

  it("via: 'libseccomp' and a big-endian arch: refused before the library is asked anything", () => {
    let asked = 0;
    const version = () => (asked++, V254);
    assert.throws(
      () => planBuild({ ...allow, arches: ['s390x'] }, { via: 'libseccomp' }, 'x86_64', version),
      (err: unknown) => err instanceof LibseccompArchError && err.reason === 'otherByteOrder' && err.arch === 's390x' && err.hostArch === 'x86_64',
    );
    assert.equal(asked, 0);
  });

  it("via: 'libseccomp' and an arch newer than the loaded library: refused with the versions", () => {
    assert.throws(
      () => planBuild({ ...allow, arches: ['loongarch64'] }, { via: 'libseccomp' }, 'x86_64', () => V254),
      (err: unknown) => err instanceof LibseccompArchError && err.reason === 'archTooNew' && err.arch === 'loongarch64' && err.library === '2.5.4' && err.since === '2.6.0',
    );
    assert.deepEqual(planBuild({ ...allow, arches: ['loongarch64'] }, { via: 'libseccomp' }, 'x86_64', () => V260).program, undefined);
    assert.deepEqual(planBuild({ ...allow, arches: ['aarch64'] }, { via: 'libseccomp' }, 'x86_64', () => V254).program, undefined);
  });

  it('no via: a refusal libseccomp would take over stays the compiler\'s on arches libseccomp cannot build', () => {
    for (const arches of [['s390x'], ['ppc64'], ['mips']] as ArchName[][]) {
      const warnings: CompileWarning[] = [];
      assert.throws(
        () => planBuild(overlapping(arches), { onWarning: (w) => warnings.push(w) }, 'x86_64', () => V254),
        (err: unknown) => err instanceof CompileError && err.reason === 'overlap' && err.feature === 'eexist' && err.arch === arches[0],
      );
      assert.deepEqual(warnings, [], arches.join());
    }
    // Beside them, on an arch of the host's byte order, libseccomp takes over and says so.
    const warnings: CompileWarning[] = [];
    const plan = planBuild(overlapping(['x86']), { onWarning: (w) => warnings.push(w) }, 'x86_64', () => V254);
    assert.equal(plan.program, undefined);
    assert.deepEqual(warnings.map((w) => w.code), ['builtByLibseccomp']);
  });

  it('no via, and the profile compiles: the program, whatever the arch', () => {
    const plan = planBuild({ ...allow, arches: ['s390x', 's390'] }, {}, 'x86_64', () => assert.fail('no library needed'));
    assert.equal(plan.program?.endian, 'big');
  });
});
