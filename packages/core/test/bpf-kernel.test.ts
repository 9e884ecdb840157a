// The kernel as the judge of the validator and the emulator. The programs of
// bpf-validate.test.ts and bpf-emulate.test.ts (bpf-programs.ts) go to the real kernel, in a
// child process, through seccomp(2) directly (the `kernelBpf` scenario, which no SDK validator
// stands in front of), and the kernel's answer must be the SDK's: EINVAL where validate()
// refuses, acceptance where it accepts; the verdict the emulator computes, observed on a probe
// syscall. Filters are never loaded in this process.
//
// Node only, on purpose: what is judged is core's pure TypeScript, the same on every runtime,
// and the kernel's answer does not depend on which runtime asked; running it three times
// would triple the children on a 2-core machine and judge nothing new.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SockFilter } from '../src/abi.js';
import { encodeBpf } from '../src/abi.js';
import { Action, formatAction } from '../src/actions.js';
import { archInfo, nativeArch } from '../src/arch.js';
import { BPF_JEQ, BPF_JMP, BPF_K, emulate, jump, validate } from '../src/bpf/index.js';
import { InvalidBpfError } from '../src/errors.js';
import { resolveSyscall } from '../src/syscalls/index.js';
import { runChild, type ChildOutcome, type RunOptions } from '../testing/harness.js';
import { nodeChildCommand } from './node-child.js';
import { decodeProbeErrno, probeProgram } from '../testing/probe.js';
import type { KernelBpfParams } from '../testing/scenarios.js';
import {
  ACTION_CASES, ALLOW, ALU_CASES, aluK, aluX, DIVIDE_BY_X_ZERO, JA_SKIP, JUMP_CASES, jumpK, jumpX, ld, LEN_A, LEN_X,
  LOAD_ARG_WORDS, LOAD_ARGS, neg, NEG_CASES, NOT_TAKEN, ret, RET_A, RET_A_ERRNO, SCRATCH, SHIFT_BY_X_CASES, shiftX,
  TAKEN, TAX_TXA, UNKNOWN_ACTIONS, VALIDATE_ACCEPTS, VALIDATE_REFUSES, X_AT_START, type ValidateCase,
} from './bpf-programs.js';

const EBUSY = 16;
const EINVAL = 22;
const ENOSYS = 38;
const MAX_ERRNO = 4095;

/**
 * The machine's arch: the probes call getppid there and claim its audit arch. x86_64 and
 * aarch64 lay seccomp_data out alike (64-bit, little-endian: each argument's low word first).
 */
const HOST = nativeArch();

/** This run's reason not to ask the kernel, if any. */
const cannot = HOST !== 'x86_64' && HOST !== 'aarch64'
  ? `this machine is ${HOST}: the probes are written for a 64-bit little-endian seccomp_data (x86_64, aarch64)`
  : undefined;


interface Answer { ret: number; errno: number }
interface KernelResult { listener?: Answer; control: Answer[]; loads: Answer[]; calls: Answer[] }

function refuses(program: SockFilter[]): boolean {
  try {
    validate(program);
    return false;
  } catch (err) {
    if (err instanceof InvalidBpfError) return true;
    throw err;
  }
}

const kernel = (params: KernelBpfParams, opts: RunOptions = {}) => runChild(nodeChildCommand(), 'kernelBpf', params, opts);
const hex = (program: readonly SockFilter[]) => Buffer.from(encodeBpf(program)).toString('hex');

function resultOf(o: ChildOutcome): KernelResult {
  assert.equal(o.error, undefined, `child failed: ${JSON.stringify(o.error)}\n${o.stderr.slice(0, 4000)}`);
  assert.equal(o.code, 0, `code=${o.code} signal=${o.signal} hung=${o.hung}\n${o.stdout.slice(-2000)}\n${o.stderr.slice(0, 4000)}`);
  return o.result as KernelResult;
}

describe('the kernel judges validate()', { skip: cannot }, () => {
  // Every program a sock_filter can hold; 6 hold a field no C struct can, and stay JavaScript's.
  const groups = Object.entries({ ...VALIDATE_ACCEPTS, ...VALIDATE_REFUSES });
  const cases = groups.flatMap(([name, list]) => list.map((c, i) => ({ name: `${name} #${i}`, c })));
  const judged = cases.filter(({ c }) => !c.jsOnly);
  // A child's arguments travel on its command line, where one string may hold 128 KiB:
  // the 4096- and 4097-instruction programs (64 KiB of hex each) go to children of their own.
  const small = judged.filter(({ c }) => c.program.length < 4096);
  const large = judged.filter(({ c }) => c.program.length >= 4096);
  let answers: Promise<Map<string, Answer>> | undefined;

  /** One dry-run child per share; RET ALLOW first in each, the control a valid program gets. */
  async function ask(share: typeof judged): Promise<[string, Answer][]> {
    const r = resultOf(await kernel({ dryRun: true, programs: [hex([ALLOW]), ...share.map(({ c }) => hex(c.program))] }));
    assert.ok(r.listener && r.listener.ret >= 0, `the listener filter loaded: ${JSON.stringify(r.listener)}`);
    assert.deepEqual(r.loads[0], { ret: -1, errno: EBUSY }, 'a valid program passes the kernel\'s checks and stops at the second listener');
    assert.equal(r.loads.length, share.length + 1, 'every program was offered');
    return share.map(({ name }, i) => [name, r.loads[i + 1]!]);
  }
  const all = () => (answers ??= Promise.all([ask(small), ...large.map((x) => ask([x]))]).then((parts) => new Map(parts.flat())));

  it('the raw loader installs a program for real in an unfiltered child (the control for everything below)', async () => {
    const getppid = { nr: 'getppid', args: [] };
    const r = resultOf(await kernel({ programs: [hex([ALLOW])], calls: [getppid] }));
    assert.deepEqual(r.control, [{ ret: process.pid, errno: 0 }]);
    assert.deepEqual(r.loads, [{ ret: 0, errno: 0 }]);
    assert.deepEqual(r.calls, [{ ret: process.pid, errno: 0 }]);
  });

  it('asks the kernel about every program a struct sock_filter can hold', () => {
    assert.equal(cases.length - judged.length, 6);
    assert.ok(judged.length >= 60, `${judged.length} programs`);
  });

  for (const [name, list] of groups) {
    if (list.every((c) => c.jsOnly)) continue;
    it(`kernel: ${name}`, async () => {
      const got = await all();
      const wrong = list.flatMap((c: ValidateCase, i) => {
        if (c.jsOnly) return [];
        const a = got.get(`${name} #${i}`);
        const kernelRefuses = a?.ret === -1 && a.errno === EINVAL;
        const kernelAccepts = a?.ret === -1 && a.errno === EBUSY;
        const sdkRefuses = refuses(c.program);
        const agree = sdkRefuses === !!c.refused && (sdkRefuses ? kernelRefuses : kernelAccepts);
        return agree ? [] : [`#${i}: the table says ${c.refused ? 'refused' : 'accepted'}, validate() ${sdkRefuses ? 'refuses' : 'accepts'}, the kernel answered ${JSON.stringify(a)}`];
      });
      assert.deepEqual(wrong, []);
    });
  }
});

/** What the probes' hand-made checks return: A held the claimed value, or did not. */
const YES = 0x00050064;
const NO = 0x00050065;
/** The program with its closing RET A replaced by a check that A holds `want`. */
function claim(program: SockFilter[], want: number): SockFilter[] {
  assert.equal(program.at(-1), RET_A);
  return [...program.slice(0, -1), jump(BPF_JMP | BPF_JEQ | BPF_K, want, 0, 1), ret(YES), ret(NO)];
}

interface ProbeCase { name: string; program: (nr: number) => SockFilter[]; args?: readonly bigint[]; expect: number }

/** Each emulate() claim about an instruction, as a program that returns a RET K value. */
function instructionCases(): ProbeCase[] {
  const fixed = (name: string, p: SockFilter[], expect: number, args?: readonly bigint[]): ProbeCase => ({ name, program: () => p, expect, args });
  return [
    ...ALU_CASES.flatMap(([name, op, a, b, want]) => [
      fixed(`ALU ${name} (K)`, claim(aluK(op, a, b), want), YES), fixed(`ALU ${name} (X)`, claim(aluX(op, a, b), want), YES),
    ]),
    ...NEG_CASES.map(([a, want]) => fixed(`NEG ${a}`, claim(neg(a), want), YES)),
    ...SHIFT_BY_X_CASES.map(([op, a, x, want]) => fixed(`shift by X = ${x}`, claim(shiftX(op, a, x), want), YES)),
    fixed('LEN into A', claim(LEN_A, 64), YES), fixed('LEN into X', claim(LEN_X, 64), YES),
    fixed('X starts at 0', claim(X_AT_START, 0), YES), fixed('TAX and TXA', claim(TAX_TXA, 10), YES),
    fixed('scratch memory', claim(SCRATCH, 0x11), YES), fixed('JA skips k instructions', JA_SKIP, 3),
    ...JUMP_CASES.flatMap(([name, op, a, b, taken]) => [
      fixed(`${name} (K)`, jumpK(op, a, b), taken ? TAKEN : NOT_TAKEN), fixed(`${name} (X)`, jumpX(op, a, b), taken ? TAKEN : NOT_TAKEN),
    ]),
    { name: 'loads seccomp_data.nr', program: (nr) => claim([ld(0), RET_A], nr), expect: YES },
    fixed('loads seccomp_data.arch', claim([ld(4), RET_A], archInfo(HOST).auditArch), YES),
    ...LOAD_ARG_WORDS.map((w, i) => fixed(`loads the word at ${16 + 4 * i}`, claim([ld(16 + 4 * i), RET_A], w), YES, LOAD_ARGS)),
  ];
}

/** Syscall numbers past any table: unfiltered they fail with ENOSYS, and nothing else makes them. */
const FIRST_NR = 1000;
const GETPPID = resolveSyscall('getppid', HOST);

/** The program behind a guard: only getppid with `tag` in args[5]'s low word reaches it. */
function gated(program: SockFilter[], tag: number): SockFilter[] {
  return [ld(0), jump(BPF_JMP | BPF_JEQ | BPF_K, GETPPID, 0, 2), ld(56), jump(BPF_JMP | BPF_JEQ | BPF_K, tag, 1, 0), ALLOW, ...program];
}
const TAG = 0x5ecc0000;
const tagged = (tag: number) => ({ nr: 'getppid', args: ['0', '0', '0', '0', '0', String(tag)] });

/** What a getppid the kernel answered with `action` returns: written from the kernel's rules. */
function observed(action: Action, ppid: number): Answer {
  switch (action.kind) {
    case 'allow': case 'log': return { ret: ppid, errno: 0 }; // the call runs
    case 'errno': return { ret: -1, errno: Math.min(action.errno, MAX_ERRNO) }; // capped at MAX_ERRNO
    case 'trace': case 'notify': return { ret: -1, errno: ENOSYS }; // no tracer, no listener
    default: throw new RangeError(`${formatAction(action)} ends the caller: a child of its own`);
  }
}

/** Return values that let the caller live, each with the action emulate() must name. */
const SURVIVABLE: { name: string; program: SockFilter[]; action: Action }[] = [
  ...ACTION_CASES.filter(([, a]) => ['allow', 'log', 'errno', 'trace', 'notify'].includes(a.kind))
    .map(([value, action]) => ({ name: `RET 0x${value.toString(16)}`, program: [ret(value)], action })),
  { name: 'RET A of a computed ERRNO | 22', program: RET_A_ERRNO, action: Action.errno('EINVAL') },
  // What the program holds (errno 65535), written out: Action.errno() refuses it, the kernel caps it.
  { name: 'ERRNO with data past MAX_ERRNO', program: [ret(0x0005ffff)], action: Object.freeze({ kind: 'errno', errno: 0xffff }) },
];

/**
 * "A starts at 0", which a guard cannot test (it loads A first): the check on A comes first;
 * had A started elsewhere every call would be allowed and the tagged getppid would run.
 */
const A_AT_START = (tag: number): SockFilter[] => [
  jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 5), ld(0), jump(BPF_JMP | BPF_JEQ | BPF_K, GETPPID, 0, 3), ld(56),
  jump(BPF_JMP | BPF_JEQ | BPF_K, tag, 0, 1), ret(0x00050064), ALLOW,
];

describe('the kernel judges emulate(): instructions and actions that let the caller live', { skip: cannot }, () => {
  const probes = instructionCases().map((c, i) => {
    const nr = FIRST_NR + i;
    const program = c.program(nr);
    return { ...c, nr, program, probe: probeProgram(program, [nr], archInfo(HOST).auditArch) };
  });
  const survivable = SURVIVABLE.map((c, i) => ({ ...c, tag: TAG + i, loaded: gated(c.program, TAG + i) }));
  const aTag = TAG + survivable.length;
  let result: Promise<KernelResult> | undefined;
  // One child: every program is stacked, each answering only its own call.
  const answers = () => (result ??= kernel({
    programs: [...probes.map((p) => hex(p.probe.program)), ...survivable.map((s) => hex(s.loaded)), hex(A_AT_START(aTag))],
    calls: [
      ...probes.map((p) => ({ nr: p.nr, args: (p.args ?? []).map(String) })),
      ...survivable.map((s) => tagged(s.tag)), tagged(aTag),
    ],
  }).then(resultOf));

  it('every program loaded, every call made, and unfiltered each probe ran or failed with ENOSYS (the control)', async () => {
    const r = await answers();
    const n = probes.length + survivable.length + 1;
    assert.equal(probes.length, 65);
    assert.deepEqual([r.loads.length, r.calls.length, r.control.length], [n, n, n]);
    assert.deepEqual(r.loads.filter((l) => l.ret !== 0), []);
    assert.deepEqual(r.control.slice(0, probes.length).filter((c) => c.errno !== ENOSYS), []);
    assert.deepEqual(r.control.slice(probes.length).filter((c) => c.ret !== process.pid), []);
  });

  it('each instruction: the kernel returns what emulate() claims, and what the test claims by hand', async () => {
    const r = await answers();
    const wrong = probes.flatMap((p, i) => {
      const emulated = emulate(p.probe.program, { arch: HOST, syscall: p.nr, args: p.args });
      const byEmulator = decodeProbeErrno(emulated.value & 0xffff, p.probe.spare);
      const byKernel = decodeProbeErrno(r.calls[i]!.errno, p.probe.spare);
      const show = (v: number | undefined) => (v === undefined ? 'no probe code' : `0x${v.toString(16)}`);
      return byEmulator === p.expect && byKernel === p.expect ? [] : [`${p.name}: emulator ${show(byEmulator)}, kernel ${show(byKernel)}, want ${show(p.expect)}`];
    });
    assert.deepEqual(wrong, []);
  });

  it('each action: emulate() names it, and the kernel does what that action does', async () => {
    const r = await answers();
    const wrong = survivable.flatMap((s, i) => {
      const emulated = emulate(s.loaded, { arch: HOST, syscall: 'getppid', args: [0, 0, 0, 0, 0, s.tag] }).action;
      const got = r.calls[probes.length + i]!;
      const want = observed(s.action, process.pid);
      return formatAction(emulated) === formatAction(s.action) && got.ret === want.ret && got.errno === want.errno
        ? [] : [`${s.name}: emulator ${formatAction(emulated)}, kernel ${JSON.stringify(got)}, want ${formatAction(s.action)} = ${JSON.stringify(want)}`];
    });
    assert.deepEqual(wrong, []);
  });

  it('A starts at 0', async () => {
    const r = await answers();
    assert.deepEqual(emulate(A_AT_START(aTag), { arch: HOST, syscall: 'getppid', args: [0, 0, 0, 0, 0, aTag] }).action, Action.errno(100));
    assert.deepEqual(r.calls.at(-1), { ret: -1, errno: 100 });
  });
});

/** How a child ended, told from its reports and exit. */
function ending(o: ChildOutcome): string {
  const survived = o.reports.some((x) => x.done);
  if (survived) return 'survived';
  // The harness kills a hung child itself (SIGKILL), after noting its threads' states.
  if (o.hung) {
    const tids = Object.keys(o.threadStates ?? {}).map(Number).sort((a, b) => a - b);
    return o.threadStates?.[String(tids[0])] === 'Z' && tids.length > 1 ? 'main thread dead, process hung' : `hung: ${JSON.stringify(o.threadStates)}`;
  }
  if (o.signal) return `killed by ${o.signal}`;
  return `exit ${o.code}`;
}

/** How the kernel ends a caller that holds a SIGSYS listener, by action (kernel/seccomp.c). */
const FATE: Partial<Record<Action['kind'], string>> = {
  killProcess: 'killed by SIGSYS', // forced past any listener, every thread
  killThread: 'main thread dead, process hung', // the calling thread exits, the runtime's others live on
  trap: 'survived', // SIGSYS to the listener; the call is skipped
};

const FATAL: { name: string; program: SockFilter[]; action: Action }[] = [
  { name: 'RET 0x80000000', program: [ret(0x80000000)], action: Action.killProcess },
  { name: 'RET 0x00000000', program: [ret(0)], action: Action.killThread },
  // A trap is survived: the control that the listener would have caught every SIGSYS below
  // that is not a kill.
  { name: 'RET 0x00030000', program: [ret(0x00030000)], action: Action.trap },
  ...UNKNOWN_ACTIONS.map((v) => ({ name: `RET 0x${v.toString(16)} (no such action)`, program: [ret(v)], action: Action.killProcess })),
  { name: 'DIV by an X of 0', program: DIVIDE_BY_X_ZERO, action: Action.killThread },
];

describe('the kernel judges emulate(): actions that end the caller, a child each', { skip: cannot, concurrency: 2 }, () => {
  for (const f of FATAL) {
    const ends = FATE[f.action.kind]!;
    it(`${f.name}: emulate() says ${formatAction(f.action)}; the kernel: ${ends}`, async () => {
      const loaded = gated(f.program, TAG);
      assert.deepEqual(emulate(loaded, { arch: HOST, syscall: 'getppid', args: [0, 0, 0, 0, 0, TAG] }).action, f.action);
      // A thread-only kill hangs the child: 2.5 s after its first report (the control) it is hung.
      const o = await kernel({ programs: [hex(loaded)], calls: [tagged(TAG)], handleSigsys: true }, { hangAfterOutputMs: 2500 });
      const loads = o.reports.filter((x) => 'load' in x);
      assert.deepEqual(o.reports.find((x) => 'control' in x)?.control, [{ ret: process.pid, errno: 0 }], 'unfiltered, the call runs');
      assert.deepEqual(loads.map((x) => x.ret), [0], 'the program loaded');
      assert.equal(ending(o), ends, `${o.stdout.slice(-2000)}\n${o.stderr.slice(0, 2000)}`);
      if (ends === 'survived') {
        assert.ok(o.reports.some((x) => x.sigsys), 'the SIGSYS arrived');
        assert.notEqual((o.reports.find((x) => 'call' in x) as unknown as Answer).ret, process.pid, 'the trapped call did not run');
      }
    });
  }
});
