// The TypeScript compiler's own guarantees: layout, long jumps, limits, refusals, provenance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Action, arg, arg32, type ArchName, type Condition, type Profile } from '../src/index.js';
import { BPF_RET, bpfClass, emulate, validate } from '../src/bpf/index.js';
import { resolveSyscallRaw, syscallNames } from '../src/syscalls/index.js';
import { compileProfileBpf } from '../src/compile/index.js';
import { refusal } from './compile-refusal.js';

const X86_64 = { nativeArch: 'x86_64' } as const;

function verdict(bpf: Uint8Array, arch: 'x86_64' | 'x32' | 'x86' | 'aarch64' | 's390x', syscall: string | number, args: (bigint | number)[] = []): string {
  const a = emulate(bpf, { arch, syscall, args }).action;
  return a.kind === 'errno' ? `errno(${a.errno})` : a.kind;
}


test('every return instruction has a provenance: a rule index, default or badArch', () => {
  const profile: Profile = {
    defaultAction: Action.errno(1),
    rules: [
      { syscalls: ['read'], action: Action.allow },
      { syscalls: ['openat'], action: Action.trap, conditions: [arg32(0).eq(-100)] },
    ],
  };
  const out = compileProfileBpf(profile, X86_64);
  const rets = out.program.flatMap((ins, pc) => (bpfClass(ins.code) === BPF_RET ? [pc] : []));
  assert.deepEqual([...out.provenance.keys()].sort((a, b) => a - b), rets);
  assert.deepEqual(new Set(out.provenance.values()), new Set([0, 1, 'default', 'badArch']));
  const path = emulate(out.bytes, { arch: 'x86_64', syscall: 'openat', args: [-100] }).path;
  assert.equal(out.provenance.get(path.at(-1)!), 1);
});

test('x86_64 alone: x32 numbers get the bad-arch action, except -1; x32 alone refuses x86_64 numbers', () => {
  const profile = (arches: ('x86_64' | 'x32')[]): Profile => ({
    defaultAction: Action.errno(38), arches, rules: [{ syscalls: ['read'], action: Action.allow }], attributes: { badArchAction: Action.trap },
  });
  const only64 = compileProfileBpf(profile(['x86_64']), X86_64).bytes;
  assert.equal(verdict(only64, 'x86_64', 0), 'allow');
  assert.equal(verdict(only64, 'x86_64', 0x40000000), 'trap');
  assert.equal(verdict(only64, 'x86_64', 0xffffffff), 'errno(38)');
  const only32 = compileProfileBpf(profile(['x32']), X86_64).bytes;
  assert.equal(verdict(only32, 'x32', 'read'), 'allow');
  assert.equal(verdict(only32, 'x86_64', 0), 'trap');
  const both = compileProfileBpf(profile(['x86_64', 'x32']), X86_64).bytes;
  assert.equal(verdict(both, 'x86_64', 0), 'allow');
  assert.equal(verdict(both, 'x32', 'read'), 'allow');
  assert.equal(verdict(both, 'x32', 'write'), 'errno(38)');
  assert.equal(verdict(both, 'aarch64', 'read'), 'trap');
});

test('64-bit comparisons check the high word; a 32-bit arch compares the low word only', () => {
  const profile: Profile = {
    defaultAction: Action.allow, arches: ['x86_64', 'x86'],
    rules: [{ syscalls: ['close'], action: Action.errno(9), conditions: [arg(0).gt(0x100000000n)] }],
  };
  const bpf = compileProfileBpf(profile, X86_64).bytes;
  assert.equal(verdict(bpf, 'x86_64', 'close', [0x100000001n]), 'errno(9)');
  assert.equal(verdict(bpf, 'x86_64', 'close', [0xffffffffn]), 'allow');
  // On x86 the datum is 0 (its low word): any non-zero low word is greater.
  assert.equal(verdict(bpf, 'x86', 'close', [1]), 'errno(9)');
  assert.equal(verdict(bpf, 'x86', 'close', [0x100000000n]), 'allow');
});

test('big-endian arches get big-endian bytes and the low word at offset +4', () => {
  const profile: Profile = { defaultAction: Action.allow, arches: ['s390x'], rules: [{ syscalls: ['close'], action: Action.errno(9), conditions: [arg32(0).eq(7)] }] };
  const out = compileProfileBpf(profile, X86_64);
  assert.equal(out.endian, 'big');
  assert.equal(verdict(out.bytes, 's390x', 'close', [0xffffffff00000007n]), 'errno(9)');
  assert.equal(verdict(out.bytes, 's390x', 'close', [8]), 'allow');
});

test('the dispatch is a binary search: the longest path grows with log2 of the syscalls', () => {
  // Every other syscall allowed, so no two neighbours merge into one stretch.
  const names = syscallNames('x86_64').filter((_, i) => i % 2 === 0);
  const out = compileProfileBpf({ defaultAction: Action.errno(1), rules: names.map((n) => ({ syscalls: [n], action: Action.allow })) }, X86_64);
  let longest = 0;
  for (const n of syscallNames('x86_64')) longest = Math.max(longest, emulate(out.bytes, { arch: 'x86_64', syscall: n }).instructions);
  assert.ok(longest <= 4 + Math.ceil(Math.log2(2 * names.length + 3)) + 1, `longest path ${longest} for ${names.length} syscalls`);
});

test('jumps farther than 255 instructions go through trampolines, and the program stays valid', () => {
  const names = syscallNames('x86_64').slice(0, 200);
  const profile: Profile = {
    defaultAction: Action.allow,
    rules: names.map((n, i) => ({ syscalls: [n], action: Action.errno(1 + (i % 100)), conditions: [arg(0).eq(i), arg(1).ge(0x10000000fn)] })),
  };
  const out = compileProfileBpf(profile, X86_64);
  assert.ok(out.program.length > 255 * 3, `${out.program.length} instructions`);
  validate(out.program);
  names.forEach((n, i) => {
    assert.equal(verdict(out.bytes, 'x86_64', n, [i, 0x10000000fn]), `errno(${1 + (i % 100)})`, n);
    assert.equal(verdict(out.bytes, 'x86_64', n, [i, 0x10000000en]), 'allow', n);
  });
});

test('past 4096 instructions: a typed error with the length and the limit', () => {
  const names = syscallNames('x86_64');
  const profile: Profile = {
    defaultAction: Action.allow,
    rules: names.map((n) => ({ syscalls: [n], action: Action.errno(1), conditions: [arg(0).ne(1), arg(1).le(2), arg(2).gt(3), arg(3).lt(4)] })),
  };
  const err = refusal(() => compileProfileBpf(profile, X86_64));
  assert.equal(err.reason, 'tooLong');
  assert.equal(err.limit, 4096);
  assert.ok(err.instructions! > 4096);
});

test('refusals are typed: overlapping rules, multiplexed calls, pseudo numbers, mixed byte orders', () => {
  // Overlapping rules are merged as libseccomp merges them; where it refuses (EEXIST), so does the compiler.
  const overlap = refusal(() => compileProfileBpf({
    defaultAction: Action.allow,
    rules: [
      { syscalls: ['close'], action: Action.errno(1), conditions: [arg(0).eq(5)] },
      { syscalls: ['close'], action: Action.trap, conditions: [arg(0).eq(5)] },
    ],
  }, X86_64));
  assert.deepEqual([overlap.reason, overlap.feature, overlap.syscall, overlap.rules], ['overlap', 'eexist', 'close', [0, 1]]);
  // Disjoint conditions are fine.
  compileProfileBpf({
    defaultAction: Action.allow,
    rules: [
      { syscalls: ['close'], action: Action.errno(1), conditions: [arg(0).gt(5)] },
      { syscalls: ['close'], action: Action.trap, conditions: [arg(0).le(5)] },
    ],
  }, X86_64);
  const mux = refusal(() => compileProfileBpf({ defaultAction: Action.allow, arches: ['x86'], rules: [{ syscalls: ['socket'], action: Action.trap, conditions: [arg(1).eq(1)], exact: true }] }, X86_64));
  assert.deepEqual([mux.reason, mux.arch, mux.rules], ['exactMultiplexed', 'x86', [0]]);
  const pseudo = refusal(() => compileProfileBpf({ defaultAction: Action.allow, arches: ['x86_64', 'aarch64'], rules: [{ syscalls: [-10166], action: Action.trap }] }, X86_64));
  assert.deepEqual([pseudo.reason, pseudo.arch], ['invalidSyscall', 'aarch64']);
  const exact = refusal(() => compileProfileBpf({ defaultAction: Action.allow, arches: ['x86_64', 'x32'], rules: [{ syscalls: ['read'], action: Action.trap, exact: true }] }, X86_64));
  assert.deepEqual([exact.reason, exact.rules], ['exactOnManyArches', [0]]);
  const mixed = refusal(() => compileProfileBpf({ defaultAction: Action.allow, arches: ['x86_64', 's390x'], rules: [] }, X86_64));
  assert.equal(mixed.reason, 'mixedEndian');
});

test("libseccomp's collapse: the first rule without conditions decides for its syscall", () => {
  const bpf = compileProfileBpf({
    defaultAction: Action.allow,
    rules: [
      { syscalls: ['close'], action: Action.errno(1), conditions: [arg(0).eq(3)] },
      { syscalls: ['close'], action: Action.trap },
      { syscalls: ['close'], action: Action.log },
    ],
  }, X86_64).bytes;
  assert.equal(verdict(bpf, 'x86_64', 'close', [3]), 'trap');
  assert.equal(verdict(bpf, 'x86_64', 'close', [4]), 'trap');
});

test('a name an arch lacks places nothing there; an exact rule on it is refused', () => {
  const bpf = compileProfileBpf({ defaultAction: Action.allow, arches: ['x86_64', 'aarch64'], rules: [{ syscalls: ['open'], action: Action.trap }] }, X86_64).bytes;
  assert.equal(verdict(bpf, 'x86_64', 'open'), 'trap');
  assert.equal(verdict(bpf, 'aarch64', 'openat'), 'allow');
  const err = refusal(() => compileProfileBpf({ defaultAction: Action.allow, arches: ['aarch64'], rules: [{ syscalls: ['open'], action: Action.trap, exact: true }] }, X86_64));
  assert.equal(err.reason, 'noSuchSyscall');
});

test("Docker's default: no syscall without conditions loads an argument on its way to a verdict (kernel-cacheable)", async () => {
  const { resolveOci, DOCKER_DEFAULT_PROFILE } = await import('../src/profile/index.js');
  const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'x86_64' });
  const known = new Set<string>(syscallNames('x86_64'));
  const rules = profile.rules
    .map((r) => ({ ...r, syscalls: r.syscalls.filter((s) => typeof s !== 'string' || known.has(s)) }))
    .filter((r) => r.syscalls.length > 0);
  const conditional = new Set(rules.filter((r) => r.conditions?.length).flatMap((r) => r.syscalls));
  const out = compileProfileBpf({ ...profile, arches: ['x86_64'], rules }, X86_64);
  let checked = 0;
  for (const name of syscallNames('x86_64')) {
    if (conditional.has(name)) continue;
    const { path } = emulate(out.bytes, { arch: 'x86_64', syscall: name, args: [1, 2, 3, 4, 5, 6] });
    const loads = path.map((pc) => out.program[pc]!).filter((ins) => ins.code === 0x20).map((ins) => ins.k);
    assert.ok(loads.every((k) => k === 0 || k === 4), `${name} loads ${loads.join(', ')}`);
    checked++;
  }
  assert.ok(checked > 300, `${checked} syscalls checked`);
});

test('disjointness: ranges, masks and single values', async () => {
  const { lowerCondition, testsDisjoint, testHolds } = await import('../src/compile/conditions.js');
  const conds = [arg(0).eq(5), arg(0).ne(5), arg(0).lt(5), arg(0).le(5), arg(0).gt(5), arg(0).ge(0x100), arg(0).maskedEq(0xf0, 0x10), arg(0).maskedEq(0xff00, 0x100), arg32(0).eq(5), arg32(0).maskedEq(0xf, 5)];
  const samples = [0n, 4n, 5n, 6n, 0x10n, 0x15n, 0x100n, 0x105n, 0x1ffn, 0xffffffffn, 0x100000005n, (1n << 64n) - 1n];
  for (const bits of [32, 64] as const) {
    for (const a of conds) {
      for (const b of conds) {
        const ta = lowerCondition(a, bits)!;
        const tb = lowerCondition(b, bits)!;
        // Sound: a pair called disjoint never accepts one value together.
        if (testsDisjoint(ta, tb)) for (const v of samples) assert.ok(!(testHolds(ta, v) && testHolds(tb, v)), `${bits}: ${JSON.stringify([a.op, b.op])} at ${v}`);
      }
    }
  }
  const lt5 = lowerCondition(arg(0).lt(5), 64)!;
  assert.equal(testsDisjoint(lowerCondition(arg(0).maskedEq(0xf0, 0x10), 64)!, lt5), true);
  assert.equal(testsDisjoint(lowerCondition(arg(0).maskedEq(0xf0, 0x00), 64)!, lt5), false);
});

test('overlapping rules before the first unconditional one are merged first: refused where libseccomp refuses them', () => {
  const err = refusal(() => compileProfileBpf({
    defaultAction: Action.allow,
    rules: [
      { syscalls: ['close'], action: Action.errno(1), conditions: [arg(0).eq(5)] },
      { syscalls: ['close'], action: Action.trap, conditions: [arg(0).eq(5)] },
      { syscalls: ['close'], action: Action.log },
    ],
  }, X86_64));
  assert.deepEqual([err.reason, err.feature, err.rules], ['overlap', 'eexist', [0, 1]]);
  // Merged without a refusal, the unconditional rule then decides.
  const merged = compileProfileBpf({
    defaultAction: Action.allow,
    rules: [
      { syscalls: ['close'], action: Action.errno(1), conditions: [arg(0).gt(5)] },
      { syscalls: ['close'], action: Action.trap, conditions: [arg(0).lt(10)] },
      { syscalls: ['close'], action: Action.log },
    ],
  }, X86_64).bytes;
  assert.equal(verdict(merged, 'x86_64', 'close', [7]), 'log');
  // After it, libseccomp drops them unseen: no refusal, the unconditional rule decides.
  const bpf = compileProfileBpf({
    defaultAction: Action.allow,
    rules: [
      { syscalls: ['close'], action: Action.log },
      { syscalls: ['close'], action: Action.errno(1), conditions: [arg(0).gt(5)] },
      { syscalls: ['close'], action: Action.trap, conditions: [arg(0).lt(10)] },
    ],
  }, X86_64).bytes;
  assert.equal(verdict(bpf, 'x86_64', 'close', [7]), 'log');
});

// Socket and IPC calls on socketcall(2)/ipc(2) arches, pseudo numbers and -1, placed as
// libseccomp places them (compile/placement.ts).

function on(bpf: Uint8Array, arch: ArchName, syscall: string | number, args: (bigint | number)[] = []): string {
  const a = emulate(bpf, { arch, syscall, args }).action;
  return a.kind === 'errno' ? `errno(${a.errno})` : a.kind;
}

test('a socket call on x86: socketcall with arg0 == call (its own arg0 test replaced) and the direct number as given', () => {
  const bpf = compileProfileBpf({
    defaultAction: Action.errno(1), arches: ['x86'],
    rules: [{ syscalls: ['socket'], action: Action.trap, conditions: [arg(0).eq(2), arg(1).eq(1)] }],
  }, X86_64).bytes;
  // socketcall(SYS_SOCKET = 1, …): arg0 is the call; the domain test is gone, the type test stays.
  assert.equal(on(bpf, 'x86', 102, [1, 1]), 'trap');
  assert.equal(on(bpf, 'x86', 102, [1, 2]), 'errno(1)');
  assert.equal(on(bpf, 'x86', 102, [2, 1]), 'errno(1)');
  // socket(2) itself (359): both conditions as written.
  assert.equal(on(bpf, 'x86', 359, [2, 1]), 'trap');
  assert.equal(on(bpf, 'x86', 359, [1, 1]), 'errno(1)');
});

test('a call the arch has no direct number for goes through the multiplexer only', () => {
  const x86 = compileProfileBpf({ defaultAction: Action.errno(1), arches: ['x86'], rules: [{ syscalls: ['accept', 'semop', 'shmat'], action: Action.allow }] }, X86_64);
  assert.equal(on(x86.bytes, 'x86', 102, [5]), 'allow');
  assert.equal(on(x86.bytes, 'x86', 102, [4]), 'errno(1)');
  assert.equal(on(x86.bytes, 'x86', 117, [1]), 'allow');
  assert.equal(on(x86.bytes, 'x86', 117, [21]), 'allow');
  assert.equal(on(x86.bytes, 'x86', 117, [22]), 'errno(1)');
  // shmat has a direct number on x86 (397); accept and semop have none.
  assert.equal(on(x86.bytes, 'x86', 397), 'allow');
  for (let nr = 0; nr < 450; nr++) if (nr !== 102 && nr !== 117 && nr !== 397) assert.equal(on(x86.bytes, 'x86', nr), 'errno(1)', String(nr));
});

test('on a 64-bit multiplexing arch the call number is a 64-bit compare; a 32-bit one reads the low word only', () => {
  const profile = (arches: ArchName[]): Profile => ({ defaultAction: Action.errno(1), arches, rules: [{ syscalls: ['connect'], action: Action.allow }] });
  const s390x = compileProfileBpf(profile(['s390x']), X86_64).bytes;
  assert.equal(on(s390x, 's390x', 102, [3]), 'allow');
  assert.equal(on(s390x, 's390x', 102, [0x100000003n]), 'errno(1)');
  assert.equal(on(s390x, 's390x', 362), 'allow');
  const s390 = compileProfileBpf(profile(['s390']), X86_64).bytes;
  assert.equal(on(s390, 's390', 102, [0x100000003n]), 'allow');
  const mips = compileProfileBpf(profile(['mipsel']), X86_64).bytes;
  assert.equal(on(mips, 'mipsel', 4102, [3]), 'allow');
  assert.equal(on(mips, 'mipsel', 4170), 'allow');
});

test("socketcall without conditions decides every call through it (libseccomp's collapse); direct numbers keep their rules", () => {
  const bpf = compileProfileBpf({
    defaultAction: Action.errno(1), arches: ['ppc'],
    rules: [
      { syscalls: ['bind'], action: Action.trap, conditions: [arg(2).eq(16)] },
      { syscalls: ['socketcall'], action: Action.log },
      { syscalls: ['listen'], action: Action.trap },
    ],
  }, X86_64).bytes;
  assert.equal(on(bpf, 'ppc', 102, [2, 0, 16]), 'log');
  assert.equal(on(bpf, 'ppc', 102, [4]), 'log');
  assert.equal(on(bpf, 'ppc', 327, [0, 0, 16]), 'trap');
  assert.equal(on(bpf, 'ppc', 327, [0, 0, 15]), 'errno(1)');
  assert.equal(on(bpf, 'ppc', 329), 'trap');
});

test('rules by number: a native number is named on the native arch, pseudo numbers included', () => {
  const pnr = resolveSyscallRaw('socketcall', 'x86_64');
  assert.ok(pnr < 0);
  const bpf = compileProfileBpf({
    defaultAction: Action.errno(1), arches: ['x86_64', 'x86'],
    rules: [{ syscalls: [pnr], action: Action.trap }, { syscalls: [41], action: Action.log }],
  }, X86_64).bytes;
  // x86_64 has no socketcall: its pseudo number names it, so x86 gets a rule on 102.
  assert.equal(on(bpf, 'x86', 102, [7]), 'trap');
  // 41 is x86_64's socket: socket on x86 is socketcall(1), already decided above, and 359.
  assert.equal(on(bpf, 'x86', 359), 'log');
  assert.equal(on(bpf, 'x86_64', 41), 'log');
  // On a multiplexing native arch a socket call's pseudo number is the call itself.
  const native86 = compileProfileBpf({ defaultAction: Action.errno(1), rules: [{ syscalls: [-103], action: Action.trap }] }, { nativeArch: 'x86' }).bytes;
  assert.equal(on(native86, 'x86', 102, [3]), 'trap');
  assert.equal(on(native86, 'x86', 362), 'trap');
  // A pseudo number in the multiplexed range that names no call, or no name to translate by: refused.
  assert.equal(refusal(() => compileProfileBpf({ defaultAction: Action.errno(1), rules: [{ syscalls: [-100], action: Action.trap }] }, { nativeArch: 'x86' })).reason, 'invalidSyscall');
  assert.equal(refusal(() => compileProfileBpf({ defaultAction: Action.errno(1), arches: ['x86_64', 'x86'], rules: [{ syscalls: [-101], action: Action.trap }] }, X86_64)).reason, 'invalidSyscall');
  // A pseudo number on x86_64 alone places nothing, and an exact rule on it is refused.
  const alone = compileProfileBpf({ defaultAction: Action.errno(1), rules: [{ syscalls: [pnr], action: Action.trap }] }, X86_64);
  assert.equal(alone.program.filter((i) => i.code === 0x06).length, 2);
  assert.equal(refusal(() => compileProfileBpf({ defaultAction: Action.errno(1), rules: [{ syscalls: [pnr], action: Action.trap, exact: true }] }, X86_64)).reason, 'noSuchSyscall');
});

test('exact rules on a multiplexing arch: placed like others without conditions, refused with them', () => {
  const bpf = compileProfileBpf({ defaultAction: Action.errno(1), arches: ['s390'], rules: [{ syscalls: ['recv', 'socket'], action: Action.trap, exact: true }] }, X86_64).bytes;
  assert.equal(on(bpf, 's390', 102, [10]), 'trap');
  assert.equal(on(bpf, 's390', 102, [1]), 'trap');
  assert.equal(on(bpf, 's390', 359), 'trap');
  const err = refusal(() => compileProfileBpf({ defaultAction: Action.errno(1), arches: ['s390'], rules: [{ syscalls: ['semctl'], action: Action.trap, exact: true, conditions: [arg(2).eq(0)] }] }, X86_64));
  assert.deepEqual([err.reason, err.arch, err.syscall], ['exactMultiplexed', 's390', 'semctl']);
});

test('syscall -1 with apiTskip: a rule on nr 0xffffffff on every arch, also past the x32 checks', () => {
  const profile = (arches: ArchName[], conditions = [] as Condition[]): Profile => ({
    defaultAction: Action.errno(1), arches, attributes: { apiTskip: true }, rules: [{ syscalls: [-1], action: Action.trap, conditions }],
  });
  for (const arches of [['x86_64'], ['x32'], ['x86_64', 'x32'], ['x86'], ['s390x'], ['mipsel']] as ArchName[][]) {
    const bpf = compileProfileBpf(profile(arches), X86_64).bytes;
    for (const a of arches) assert.equal(on(bpf, a, 0xffffffff), 'trap', arches.join('+'));
    assert.equal(on(bpf, arches[0]!, 'read'), 'errno(1)');
  }
  const cond = compileProfileBpf(profile(['x86_64'], [arg(0).eq(3)]), X86_64).bytes;
  assert.equal(on(cond, 'x86_64', -1, [3]), 'trap');
  assert.equal(on(cond, 'x86_64', -1, [4]), 'errno(1)');
  const shared = refusal(() => compileProfileBpf(profile(['x86_64', 'x32'], [arg(0).eq(3)]), X86_64));
  assert.deepEqual([shared.reason, shared.feature], ['unsupported', 'tskipSharedAbi']);
  // Without apiTskip, or on the reserved -2 … -99, libseccomp refuses the rule.
  const noTskip = refusal(() => compileProfileBpf({ defaultAction: Action.errno(1), rules: [{ syscalls: [-1], action: Action.trap }] }, X86_64));
  assert.deepEqual([noTskip.reason, noTskip.syscall], ['invalidSyscall', -1]);
  assert.equal(refusal(() => compileProfileBpf({ defaultAction: Action.errno(1), rules: [{ syscalls: [-42], action: Action.trap }] }, X86_64)).reason, 'invalidSyscall');
});

test("Docker's default on x86_64 + x86 + x32 compiles: x86 socket calls through socketcall and 359", async () => {
  const { resolveOci, DOCKER_DEFAULT_PROFILE } = await import('../src/profile/index.js');
  const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'x86_64' });
  assert.deepEqual(profile.arches, ['x86_64', 'x86', 'x32']);
  const bpf = compileProfileBpf(profile, X86_64).bytes;
  // socketcall itself is allowed outright, so every call through it is.
  assert.equal(on(bpf, 'x86', 102, [1, 0, 0]), 'allow');
  // socket(2) on x86 keeps Docker's domain tests: AF_VSOCK (40) is refused, AF_INET (2) allowed.
  assert.equal(on(bpf, 'x86', 359, [40]), 'errno(1)');
  assert.equal(on(bpf, 'x86', 359, [2]), 'allow');
  assert.equal(on(bpf, 'x86_64', 'socket', [40]), 'errno(1)');
  assert.equal(on(bpf, 'x32', 'socket', [39]), 'allow');
});

test('an errno of 4095 or more is refused as libseccomp refuses it, in rules and defaults', () => {
  // The builder refuses it at the edge; the compiler still refuses an action object made by hand.
  assert.throws(() => Action.errno(4095), RangeError);
  const handMade = (errno: number) => Object.freeze({ kind: 'errno', errno }) as Action;
  const build = (p: Profile) => () => compileProfileBpf(p, { nativeArch: 'x86_64' });
  const rule = refusal(build({ defaultAction: Action.allow, arches: ['x86_64'], rules: [{ syscalls: ['read'], action: handMade(4095) }] }));
  assert.equal(rule.reason, 'invalidAction');
  assert.deepEqual(rule.rules, [0]);
  assert.equal(refusal(build({ defaultAction: handMade(5000), arches: ['x86_64'], rules: [] })).reason, 'invalidAction');
  // 4094 is the largest libseccomp takes.
  compileProfileBpf({ defaultAction: Action.errno(4094), arches: ['x86_64'], rules: [{ syscalls: ['read'], action: Action.allow }] }, { nativeArch: 'x86_64' });
});
