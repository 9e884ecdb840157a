// The TypeScript compiler against the loaded libseccomp on socket and SysV IPC calls: on every
// arch that multiplexes them through socketcall(2)/ipc(2), on x86_64 + x86 + x32 together and
// on Docker's default profile, both programs are emulated and compared verdict by verdict for
// socketcall/ipc with every call number, every direct socket/IPC number and -1, with argument
// vectors at each condition's edges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Action, arg, arg32, decodeBpf, DOCKER_DEFAULT_PROFILE, emulate, formatAction, kernelAction,
  libraryVersion, prepare, resolveOci, runPrepared, SyscallFilter, syscallResolveName,
  type ArchName, type Condition, type Profile, type Rule,
} from '../src/index.js';
import { ARCHES, nativeArch } from '@seccomp/core/internal';
import { compileProfileBpf, CompileError } from '../../core/src/compile/index.js';
import { rng } from '../../core/testing/compile-differential-gen.js';
import {
  IPC_CALLS, SOCKETCALL_CALLS, isMultiplexedName, resolveSyscall, resolveSyscallRaw, syscallName,
  syscallNames,
} from '../../core/src/syscalls/index.js';

/** libseccomp's native arch here: rule numbers are its numbers, and a filter starts with it. */
const NATIVE: ArchName = nativeArch();
/** BPF_LD | BPF_W | BPF_ABS: `A = seccomp_data[k]`. */
const BPF_LD_W_ABS = 0x20;
const version = libraryVersion();
const V26 = version.major > 2 || (version.major === 2 && version.minor >= 6);
/** The arches with socketcall/ipc that the loaded libseccomp knows (sh, sheb and m68k came in 2.6). */
const MUX: ArchName[] = ['x86', 'mips', 'mipsel', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x', ...(V26 ? (['sh', 'sheb', 'm68k'] as const) : [])];
const SOCKET_NAMES = Object.keys(SOCKETCALL_CALLS);
const IPC_NAMES = Object.keys(IPC_CALLS);
const U64 = (1n << 64n) - 1n;
const EDGES = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x100000001n, 0xffffffff00000001n, U64];


/**
 * libseccomp's program for the profile, rule by rule through SyscallFilter (so the collapse
 * the SDK's compile() refuses is compared too). A big-endian profile drops the native arch
 * first: libseccomp holds one byte order at a time.
 */
function libseccompBpf(profile: Profile): Uint8Array {
  const filter = new SyscallFilter(profile.defaultAction, { tsync: false });
  try {
    filter.setAttr('badArchAction', profile.attributes?.badArchAction ?? Action.killProcess);
    if (profile.attributes?.apiTskip) filter.setAttr('apiTskip', true);
    const arches = profile.arches ?? [];
    if (arches.length) {
      const swap = ARCHES[arches[0]!].endian !== ARCHES[NATIVE].endian;
      if (swap) filter.removeArch(NATIVE);
      for (const a of arches) if (!filter.hasArch(a)) filter.addArch(a);
      if (!swap && !arches.includes(NATIVE)) filter.removeArch(NATIVE);
    }
    for (const rule of profile.rules) {
      for (const s of rule.syscalls) {
        if (rule.exact) filter.addRuleExact(rule.action, s, ...(rule.conditions ?? []));
        else filter.addRule(rule.action, s, ...(rule.conditions ?? []));
      }
    }
    return filter.exportBpf();
  } finally {
    filter.release();
  }
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;
const show = (x: unknown): string => JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? hex(v) : v));

/** Values around every datum and mask the profile compares with, and the usual edges. */
function edgeValues(profile: Profile): bigint[] {
  const out = new Set<bigint>(EDGES);
  const add = (v: bigint): void => {
    for (const d of [v - 1n, v, v + 1n, v & 0xffffffffn, v | 0x100000000n]) out.add(d & U64);
  };
  for (const rule of profile.rules) {
    for (const c of rule.conditions ?? []) {
      add(c.value);
      if (c.op === 'maskedEq') {
        add(c.value | (~c.mask & U64));
        add(c.value ^ (c.mask & -c.mask));
      }
    }
  }
  return [...out];
}

/** The nr values worth calling on `arch`: socketcall, ipc, every direct socket/IPC number, -1. */
function muxNumbers(arch: ArchName): number[] {
  const info = ARCHES[arch];
  const direct = [...SOCKET_NAMES, ...IPC_NAMES].map((n) => resolveSyscall(n, arch)).filter((n) => n >= 0);
  const extra = [resolveSyscall('read', arch), resolveSyscall('close', arch)];
  return [...new Set([...(info.socketcall !== undefined ? [info.socketcall, info.ipc!] : []), ...direct, ...extra, 0xffffffff].map((n) => n >>> 0))];
}

/** Every number of `arch`'s table, a margin past it, and -1. */
function allNumbers(arch: ArchName): number[] {
  const own = syscallNames(arch).map((n) => resolveSyscall(n, arch) >>> 0);
  const base = Math.min(...own);
  const top = Math.max(...own);
  return [...Array.from({ length: top - base + 16 }, (_, i) => base + i), 0xffffffff];
}

/**
 * Argument vectors: on socketcall/ipc arg0 runs through every call number (and a high word
 * that must not count on 32-bit arches but does on 64-bit ones); each other argument sweeps
 * the edge values alone; random vectors mix them for rules testing several arguments.
 */
function vectors(values: readonly bigint[], muxed: boolean, r: () => number): bigint[][] {
  const pick = (xs: readonly bigint[]): bigint => xs[Math.floor(r() * xs.length)]!;
  const calls = [...Array.from({ length: 27 }, (_, i) => BigInt(i)), 0x100000001n, 0xffffffff00000005n, 0x1000n];
  const firsts = muxed ? calls : values;
  // Each other argument is swept under every call number, or under arg0 = 0 and one other value.
  const sweptUnder = muxed ? calls : [0n, pick(values)];
  const out: bigint[][] = firsts.map((a0) => [a0, 0n, 0n, 0n, 0n, 0n]);
  for (const a0 of sweptUnder) {
    for (let i = 1; i < 6; i++) for (const v of values) out.push(Array.from({ length: 6 }, (_, j) => (j === 0 ? a0 : j === i ? v : 0n)));
  }
  for (let k = 0; k < 400; k++) out.push(Array.from({ length: 6 }, (_, j) => (j === 0 && r() < 0.8 ? pick(firsts) : pick(values))));
  return out;
}

interface Tally { profiles: number; calls: number; newer: Set<string>; departures: Map<string, number>; shown: string[] }

const bswap32 = (v: number): number => (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;

/** Whether libseccomp's program reached its verdict without ever loading seccomp_data.nr. */
function skipsNrLoad(bytes: Uint8Array, arch: ArchName, nr: number, args: readonly bigint[]): boolean {
  const { path } = emulate(bytes, { arch, syscall: nr, args, endian: ARCHES[arch].endian });
  const program = decodeBpf(bytes, ARCHES[arch].endian);
  return !path.some((pc) => program[pc]!.code === BPF_LD_W_ABS && program[pc]!.k === 0);
}

/**
 * Both programs for `profile`, and every call on `numbers(arch)` for its arches (and a few
 * arches it does not list) with the vectors above; asserts the verdicts are equal. A number
 * whose name the loaded libseccomp does not know on that arch (its table is older) is only
 * counted, as libseccomp leaves that rule out.
 */
function compare(name: string, profile: Profile, numbers: (arch: ArchName) => number[], tally: Tally): void {
  const arches: ArchName[] = profile.arches?.length ? [...profile.arches] : [NATIVE];
  const ours = compileProfileBpf(profile, { nativeArch: NATIVE });
  let theirs: Uint8Array;
  try {
    theirs = libseccompBpf(profile);
  } catch (err) {
    assert.fail(`${name}: the compiler built it, libseccomp refused: ${(err as Error).message}\n${show(profile)}`);
  }
  const endian = ARCHES[arches[0]!].endian;
  const a = prepare(ours.bytes, endian);
  const b = prepare(theirs, endian);
  const r = rng(0x6d757800 + tally.profiles);
  const values = edgeValues(profile);
  const strangers = (['x86', 'x86_64', 'x32', 's390x', 'ppc'] as const).filter((s) => !arches.includes(s)).slice(0, 1);
  const diffs: string[] = [];
  const alone = new Map<ArchName, ReturnType<typeof prepare>>();
  const aloneOn = (arch: ArchName) => alone.get(arch) ?? alone.set(arch, prepare(libseccompBpf({ ...profile, arches: [arch] }), ARCHES[arch].endian)).get(arch)!;
  for (const arch of [...arches, ...strangers]) {
    const info = ARCHES[arch];
    for (const nr of numbers(arch)) {
      const muxed = nr === info.socketcall || nr === info.ipc;
      const known = syscallName(nr, arch);
      // (libseccomp resolves socket and IPC names to pseudo numbers on these arches by design.)
      const older = known !== undefined && !isMultiplexedName(known) && syscallResolveName(known, arch) < 0;
      for (const args of vectors(values, muxed, r)) {
        const mine = formatAction(kernelAction(runPrepared(a, nr, info.auditArch, args)));
        const ref = formatAction(kernelAction(runPrepared(b, nr, info.auditArch, args)));
        tally.calls++;
        if (mine === ref) continue;
        if (older) {
          tally.newer.add(`${known} on ${arch}`);
          continue;
        }
        // libseccomp 2.5.4's multi-arch programs can depart from its rules: it can drop the
        // `A = nr` load after an arch check when the first syscall it lays out there is a
        // pseudo number (x86 accept, s390 recv have no direct number), and dispatch on the
        // arch token; with several big-endian arches some returns carry their action
        // byte-swapped. Such a call is checked against libseccomp's program for that arch
        // alone, and counted.
        if (arches.length > 1 && arches.includes(arch)) {
          const single = formatAction(kernelAction(runPrepared(aloneOn(arch), nr, info.auditArch, args)));
          const swapped = formatAction(kernelAction(bswap32(runPrepared(b, nr, info.auditArch, args)))) === mine;
          const why = skipsNrLoad(theirs, arch, nr, args) ? 'never loads nr' : swapped ? 'returns its action byte-swapped' : undefined;
          if (why && single === mine) {
            const key = `${name}: ${why}`;
            tally.departures.set(key, (tally.departures.get(key) ?? 0) + 1);
            if (tally.shown.length < 3 && !tally.shown.some((x) => x.includes(why))) tally.shown.push(`${name}: ${arch} nr=${hex(nr)}: libseccomp ${ref} (${why}), ${arch} alone ${single}, ours ${mine}`);
            continue;
          }
        }
        if (diffs.length < 6) diffs.push(`${arch} nr=${hex(nr)}${known ? ` (${known})` : ''} args=${args.map(hex).join(',')}: ours ${mine}, libseccomp ${ref}`);
      }
    }
  }
  tally.profiles++;
  assert.deepEqual(diffs, [], `${name}: ${show(profile)}`);
}

function refusedByBoth(name: string, profile: Profile, reason: string): void {
  let err: unknown;
  try {
    compileProfileBpf(profile, { nativeArch: NATIVE });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CompileError, `${name}: the compiler must refuse it`);
  assert.equal(err.reason, reason, `${name}: ${err.message}`);
  assert.throws(() => libseccompBpf(profile), `${name}: libseccomp must refuse it too`);
}

const allow = (syscalls: (string | number)[], conditions: Condition[] = []): Rule => ({ syscalls, action: Action.allow, ...(conditions.length && { conditions }) });

/** Every socket and IPC call allowed, as entries 30 and 36 of libseccomp's corpus. */
function everyCall(arches: ArchName[]): Profile {
  return { defaultAction: Action.errno(1), arches, rules: [allow([...SOCKET_NAMES, ...IPC_NAMES])] };
}

/**
 * Conditions on arg0 (dropped on socketcall/ipc, where arg0 is the call), on other arguments
 * (kept there), several actions per call kept apart by a later argument, and calls the arch
 * has no direct number for (x86 accept, s390 recv, x86 semop).
 */
function conditional(arches: ArchName[]): Profile {
  return {
    defaultAction: Action.errno(1),
    arches,
    rules: [
      { syscalls: ['socket'], action: Action.errno(13), conditions: [arg(0).eq(2), arg(1).maskedEq(0xf, 3)] },
      { syscalls: ['socket'], action: Action.allow, conditions: [arg32(0).lt(38), arg(1).maskedEq(0xf, 1)] },
      { syscalls: ['connect'], action: Action.trap, conditions: [arg(2).gt(16)] },
      { syscalls: ['setsockopt'], action: Action.errno(2), conditions: [arg(1).eq(1), arg(2).eq(2)] },
      { syscalls: ['setsockopt'], action: Action.errno(3), conditions: [arg(1).eq(6)] },
      { syscalls: ['accept4'], action: Action.log, conditions: [arg(3).maskedEq(0x80000, 0x80000)] },
      { syscalls: ['bind'], action: Action.allow, conditions: [arg(0).le(100)] },
      { syscalls: ['accept', 'recv', 'send'], action: Action.errno(5) },
      { syscalls: ['sendmsg', 'recvmsg', 'sendto', 'recvfrom', 'getsockopt'], action: Action.allow },
      { syscalls: ['socketcall'], action: Action.trace(7), conditions: [arg(0).eq(30)] },
      { syscalls: ['semctl'], action: Action.errno(22), conditions: [arg(2).eq(0)] },
      { syscalls: ['semop', 'semtimedop'], action: Action.errno(4), conditions: [arg(1).lt(10)] },
      { syscalls: ['shmat'], action: Action.trap, conditions: [arg(0).ne(5)] },
      { syscalls: ['msgget', 'msgsnd', 'shmdt'], action: Action.allow },
      { syscalls: ['ipc'], action: Action.killThread, conditions: [arg(0).ge(0x1000)] },
    ],
  };
}

/**
 * libseccomp's collapse on the multiplexer: `socketcall` without conditions decides for every
 * call made through it, whatever came before or after, while the direct numbers keep their
 * own rules; `listen` without conditions decides its direct number, and only call 4 on socketcall.
 */
function collapse(arches: ArchName[]): Profile {
  return {
    defaultAction: Action.errno(1),
    arches,
    rules: [
      { syscalls: ['accept4'], action: Action.errno(9), conditions: [arg(1).eq(0)] },
      { syscalls: ['listen'], action: Action.log },
      { syscalls: ['socketcall', 'ipc'], action: Action.allow },
      { syscalls: ['bind', 'shmget'], action: Action.trap, conditions: [arg(2).eq(1)] },
      { syscalls: ['shmctl'], action: Action.errno(7) },
    ],
  };
}

/**
 * Rules by number: native (x86_64) numbers are named there and the name resolved per arch,
 * pseudo numbers included (x86_64 has no socketcall, so its pseudo number names it).
 */
function byNumber(arches: ArchName[]): Profile {
  const nat = (n: string): number => resolveSyscallRaw(n, NATIVE);
  return {
    defaultAction: Action.errno(1),
    arches,
    rules: [
      { syscalls: [nat('socket'), nat('getpeername')], action: Action.errno(3), conditions: [arg(1).eq(2)] },
      { syscalls: [nat('semget'), 'semget'], action: Action.trap },
      { syscalls: [nat('socketcall')], action: Action.log, conditions: [arg(0).eq(0)] },
      { syscalls: [nat('ipc')], action: Action.errno(6), conditions: [arg(0).gt(24)] },
      { syscalls: [nat('socketpair')], action: Action.allow },
    ],
  };
}

/** Rules on -1 (a tracer's skipped call) with apiTskip, beside multiplexed ones. */
function tskip(arches: ArchName[], conditional: boolean): Profile {
  return {
    defaultAction: Action.errno(1),
    arches,
    attributes: { apiTskip: true, badArchAction: Action.trap },
    rules: [
      { syscalls: [-1], action: Action.allow, ...(conditional && { conditions: [arg(0).eq(3)] }) },
      { syscalls: ['socket', 'semop'], action: Action.errno(2) },
    ],
  };
}

function tally(): Tally {
  return { profiles: 0, calls: 0, newer: new Set(), departures: new Map(), shown: [] };
}

/** Calls whose name the loaded libseccomp's older table lacks on that arch: never a socket or IPC call. */
function assertNewerOnly(t: Tally): void {
  const muxed = [...t.newer].filter((s) => [...SOCKET_NAMES, ...IPC_NAMES].includes(s.split(' ')[0]!));
  assert.deepEqual(muxed, []);
}

test('every multiplexing arch: socketcall/ipc with every call, the direct numbers and -1 get libseccomp\'s verdicts', () => {
  const t = tally();
  for (const arch of MUX) {
    for (const make of [everyCall, conditional, collapse, byNumber]) compare(`${make.name} on ${arch}`, make([arch]), muxNumbers, t);
    compare(`tskip on ${arch}`, tskip([arch], false), muxNumbers, t);
    compare(`conditional tskip on ${arch}`, tskip([arch], true), muxNumbers, t);
    // Exact rules on one arch: without conditions they are placed as any other rule.
    compare(`exact on ${arch}`, { defaultAction: Action.errno(1), arches: [arch], rules: [{ syscalls: ['accept', 'recv', 'semop', 'shmat', 'socket'], action: Action.trap, exact: true }] }, muxNumbers, t);
  }
  // Arches of one byte order together: each keeps its own numbers and multiplexers.
  for (const arches of [['x86', 'mipsel', 'ppc64le'], ['s390', 's390x', 'ppc', 'ppc64', 'mips'], ['x86_64', 'x86', 'x32', 'aarch64']] as ArchName[][]) {
    for (const make of [everyCall, conditional, collapse, byNumber]) compare(`${make.name} on ${arches.join('+')}`, make(arches), muxNumbers, t);
  }
  console.log(`multiplexed: ${t.profiles} profiles, ${t.calls} verdicts compared with libseccomp ${version.text}${V26 ? '' : ' (sh, sheb and m68k need 2.6: the corpus covers them)'}; libseccomp's multi-arch program departs from its single-arch one (ours follows the latter):`, t.departures, t.shown);
  assertNewerOnly(t);
  assert.ok(t.profiles >= 60, `${t.profiles} profiles`);
});

test('x86_64 + x86 + x32 together: multiplexed calls and -1 without conditions', () => {
  const t = tally();
  const arches: ArchName[] = ['x86_64', 'x86', 'x32'];
  for (const make of [everyCall, conditional, collapse, byNumber]) compare(`${make.name} on x86_64+x86+x32`, make(arches), allNumbers, t);
  compare('tskip on x86_64+x86+x32', tskip(arches, false), allNumbers, t);
  console.log(`x86_64 + x86 + x32: ${t.profiles} profiles, ${t.calls} verdicts compared; libseccomp's multi-arch program departs from its single-arch one (ours follows the latter):`, t.departures, t.shown);
  assertNewerOnly(t);
  assert.equal(t.profiles, 5);
});

test("Docker's default (x86_64 + x86 + x32): every syscall number of each arch gets libseccomp's verdict", () => {
  const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'x86_64' });
  assert.deepEqual(profile.arches, ['x86_64', 'x86', 'x32']);
  // Names the loaded libseccomp does not know cannot be added to a multi-arch filter; both
  // programs are built without them.
  const unknown = new Set<string>();
  const rules = profile.rules
    .map((rule) => ({ ...rule, syscalls: rule.syscalls.filter((s) => typeof s !== 'string' || syscallResolveName(s) !== -1 || (unknown.add(s), false)) }))
    .filter((rule) => rule.syscalls.length > 0);
  const t = tally();
  const docker = { ...profile, rules };
  compare("Docker's default", docker, allNumbers, t);
  const ours = compileProfileBpf(docker, { nativeArch: NATIVE });
  console.log(`Docker's default on x86_64 + x86 + x32: ${ours.program.length} instructions, ${t.calls} verdicts compared; left out (unknown to libseccomp ${version.text}): ${[...unknown].join(', ') || 'none'}; numbers its table lacks: ${[...t.newer].join(', ') || 'none'}`, t.departures, t.shown);
  assert.ok(t.calls > 1_000_000, `${t.calls} calls`);
  assertNewerOnly(t);
});

test('what libseccomp refuses, the compiler refuses', () => {
  const base = { defaultAction: Action.errno(1) };
  // An exact rule with conditions on a multiplexed call: libseccomp would have to replace arg0 (EINVAL).
  for (const arch of MUX) {
    refusedByBoth(`exact socket on ${arch}`, { ...base, arches: [arch], rules: [{ syscalls: ['socket'], action: Action.trap, exact: true, conditions: [arg(1).eq(1)] }] }, 'exactMultiplexed');
  }
  // A socket call's pseudo number has no name on x86_64 to translate it by (EFAULT).
  refusedByBoth('-101 from x86_64 to x86', { ...base, arches: ['x86_64', 'x86'], rules: [{ syscalls: [-101], action: Action.trap }] }, 'invalidSyscall');
  refusedByBoth('-2', { ...base, rules: [{ syscalls: [-2], action: Action.trap }] }, 'invalidSyscall');
  refusedByBoth('-1 without apiTskip', { ...base, arches: ['x86'], rules: [{ syscalls: [-1], action: Action.trap }] }, 'invalidSyscall');
  refusedByBoth('a number x86_64 has no name for', { ...base, arches: ['x86_64', 'x86'], rules: [{ syscalls: [4321], action: Action.trap }] }, 'invalidSyscall');
  // Rules told apart only by arg0 become one rule on socketcall with two actions (EEXIST).
  for (const arch of MUX) {
    refusedByBoth(`socket by domain on ${arch}`, { ...base, arches: [arch], rules: [
      { syscalls: ['socket'], action: Action.errno(97), conditions: [arg(0).eq(16)] },
      { syscalls: ['socket'], action: Action.allow, conditions: [arg(0).ne(16)] },
    ] }, 'overlap');
  }
  // A pseudo number is no call on x86_64 itself: an exact rule on it is EDOM.
  refusedByBoth('exact on a pseudo number', { ...base, rules: [{ syscalls: [resolveSyscallRaw('socketcall', NATIVE)], action: Action.trap, exact: true }] }, 'noSuchSyscall');
});

test('-1 with conditions on x86_64 and x32 together: the compiler does not guess libseccomp\'s layout order', () => {
  let err: unknown;
  try {
    compileProfileBpf(tskip(['x86_64', 'x32'], true), { nativeArch: NATIVE });
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CompileError);
  assert.deepEqual([err.reason, err.feature, err.syscall], ['unsupported', 'tskipSharedAbi', -1]);
  // Each alone, and without conditions together, it compiles (compared above).
  compileProfileBpf(tskip(['x86_64'], true), { nativeArch: NATIVE });
  compileProfileBpf(tskip(['x32'], true), { nativeArch: NATIVE });
});
