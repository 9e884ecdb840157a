// The compile group's checks and reports: a program that differs in bytes or in one verdict
// stops the run before anything is timed, a timed sample must hand back the checked program,
// and the results carry the fields the tables and targets read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as Core from '@seccomp/core';
import { sdk } from '../src/node-sdk.js';
import { assertSameBytes, checkedPhases, COMPILE_MODES, type CompileSubjectResult } from '../src/groups/compile.js';
import { compileSubjects } from '../src/groups/compile-subjects.js';
import { comparePrograms, longestPath } from '../src/groups/compile-verdicts.js';
import { compileTargets, compileSection, compileSummaryRows } from '../src/report/compile.js';
import type { Results } from '../src/report/results.js';

const { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, BPF_JA } = sdk;
const ld = (k: number) => ({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k });
const jeq = (k: number, jt: number, jf: number) => ({ code: BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k });
const ja = (k: number) => ({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k });
const ret = (k: number) => ({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k });
const ALLOW = 0x7fff0000;

const subjects = compileSubjects(sdk, 'x86_64');
const byName = (name: string) => subjects.find((s) => s.name === name)!;
const programs = (profile: Core.Profile) => ({
  typescript: sdk.compileProgram(sdk.validateProfile(profile), { nativeArch: 'x86_64' }).bytes,
  libseccomp: sdk.seccomp.compile(profile, { via: 'libseccomp' }),
});

test('the longest path follows the longer branch and jumps over what a JA skips', () => {
  // 0 ld; 1 jeq → 2 or 4; 2 ja → 5 (over the ret at 3); 4 ld; 5 ld; 6 ret
  const program = [ld(0), jeq(1, 0, 2), ja(2), ret(0), ld(16), ld(24), ret(ALLOW)];
  assert.equal(longestPath(program), 5); // 0 → 1 → 4 → 5 → 6
  assert.equal(longestPath([ret(ALLOW)]), 1);
});

test("the subjects: Docker's default on the arches the compiler takes, and lockdown's two filters", () => {
  assert.deepEqual(subjects.map((s) => s.name), ['docker', 'lockdown-args', 'lockdown-main']);
  const docker = byName('docker');
  assert.ok(docker.arches.includes('x86_64') && docker.arches.includes('x32'));
  // x86 is left out only with a reason the results carry.
  assert.equal(docker.arches.includes('x86'), docker.note === undefined);
  assert.deepEqual(docker.profile.arches, docker.arches);
});

test("lockdown's main filter: the two compilers agree on every verdict, and the shapes are counted", () => {
  const { profile } = byName('lockdown-main');
  const p = programs(profile);
  const { ours, theirs, sweep } = comparePrograms(profile, ['x86_64'], p.typescript, p.libseccomp, undefined);
  assert.equal(ours.instructions, p.typescript.length / 8);
  assert.equal(theirs.instructions, p.libseccomp.length / 8);
  // Every call of the sweep ran at most the longest path; some call ran at least one instruction past the arch check.
  assert.ok(ours.longestRun <= ours.longestPath && ours.longestRun > 3, JSON.stringify(ours));
  assert.ok(theirs.longestRun <= theirs.longestPath && theirs.longestRun > 3, JSON.stringify(theirs));
  assert.ok(sweep.calls > 2 * 1024 * 8, `${sweep.calls} calls`);
  assert.deepEqual(sweep.tablesDiffer, []);
});

test('one verdict changed in the TypeScript program stops the run', () => {
  const { profile } = byName('lockdown-main');
  const p = programs(profile);
  const program = sdk.decodeBpf(p.typescript);
  const at = program.findIndex((i) => i.code === (BPF_RET | BPF_K) && i.k === ALLOW);
  assert.ok(at > 0, 'the program allows something');
  program[at] = ret(sdk.encodeAction(sdk.Action.errno('EPERM')));
  assert.throws(() => comparePrograms(profile, ['x86_64'], sdk.encodeBpf(program), p.libseccomp, undefined), /disagree on x86_64 nr/);
});

test("Docker's default on several arches: where they differ, the tables differ", () => {
  const { profile, arches } = byName('docker');
  const p = programs(profile);
  const libseccomp = (name: string, arch: Core.ArchName) => sdk.seccomp.syscallResolveName(name, arch);
  const { ours, theirs, sweep } = comparePrograms(profile, arches, p.typescript, p.libseccomp, libseccomp);
  assert.ok(ours.instructions > 0 && theirs.instructions > 0);
  for (const entry of sweep.tablesDiffer) {
    const [, name, arch] = /^(\S+) \((\S+)\)$/.exec(entry)!;
    const ourNr = sdk.resolveSyscall(name!, arch as Core.ArchName);
    assert.notEqual(libseccomp(name!, arch as Core.ArchName), ourNr, entry);
  }
  // libseccomp 2.5.4 lacks the newest syscalls (mseal, listmount, …), which Docker's default allows.
  assert.ok(sweep.tablesDiffer.length > 0, 'the tables of the loaded libseccomp and the SDK differ somewhere');
  // Without libseccomp's numbers, a table difference is a disagreement like any other.
  assert.throws(() => comparePrograms(profile, arches, p.typescript, p.libseccomp, undefined), /disagree/);
});

test('a runtime whose bytes differ from the reference, for either compiler, stops the run', () => {
  const bytes = { typescript: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), libseccomp: new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]) };
  const s = [{ label: 'one', bytes }];
  const same = { typescript: ['0102030405060708'], libseccomp: ['0909090909090909'] };
  assertSameBytes(s, 'node', same);
  assert.throws(() => assertSameBytes(s, 'bun', { ...same, typescript: ['0102030405060709'] }), /bun's typescript path and the runner's TypeScript compiler generate different BPF for one/);
  assert.throws(() => assertSameBytes(s, 'deno', { ...same, libseccomp: ['09'] }), /deno's libseccomp path and the C baseline generate different BPF/);
});

test('a timed sample must hand back the checked program of its compiler', () => {
  const s = { label: 'one', bytes: { typescript: new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]), libseccomp: new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0]) } };
  assert.deepEqual(checkedPhases(s, 'ts-node', { compile: 5, compileWarm: 3, hex: '0100000000000000' }), { compile: 5, compileWarm: 3 });
  assert.deepEqual(checkedPhases(s, 'c', { build: 1, gen: 2, hex: '0200000000000000' }), { build: 1, gen: 2 });
  assert.throws(() => checkedPhases(s, 'sdk-deno', { build: 1, gen: 2, hex: '0100000000000000' }), /sdk-deno compiled one to a program other than the checked one/);
  assert.throws(() => checkedPhases(s, 'ts-bun', { compile: 1 }), /other than the checked one/);
});

/** A result where C takes 1000 ns and the TypeScript compiler `ts` times that. */
function subject(label: string, ts: number, sizes: [number, number, number, number]): CompileSubjectResult {
  const stat = (median: number) => ({ median, p25: median, p75: median, n: 1 });
  const modes = {} as CompileSubjectResult['modes'];
  for (const mode of COMPILE_MODES) {
    const total = mode === 'c' ? 1000 : mode.startsWith('ts') ? ts * 1000 : 2000;
    const work: Record<string, ReturnType<typeof stat>> = mode.startsWith('ts') ? { compile: stat(total) } : { build: stat(total / 2), gen: stat(total / 2) };
    modes[mode] = { total: stat(total), totalWarm: stat(total / 2), ...work };
  }
  const shape = (instructions: number, longestPath: number) => ({ instructions, longestPath, longestRun: longestPath, sha256: '' });
  return {
    label, arches: ['x86_64'], programs: { typescript: shape(sizes[0], sizes[1]), libseccomp: shape(sizes[2], sizes[3]) },
    sweep: { calls: 42, tablesDiffer: [] }, modes,
  };
}

const results = (docker: number, lockdown: number, size: [number, number, number, number]): Results => ({
  groups: {
    compile: {
      samples: 1,
      subjects: { docker: subject("Docker's default", docker, size), 'lockdown-args': subject('args', lockdown, size), 'lockdown-main': subject('main', lockdown, size) },
    },
  },
}) as unknown as Results;

test('the targets: ≤ 1.0× C for Docker\'s default, ≤ 0.5× for lockdown\'s filters, programs no longer', () => {
  const status = (r: Results) => compileTargets(r).map((t) => t.status);
  assert.deepEqual(status(results(1.0, 0.5, [10, 5, 10, 5])), ['met', 'met', 'met']);
  assert.deepEqual(status(results(1.01, 0.51, [11, 5, 10, 5])), ['missed', 'missed', 'missed']);
  assert.deepEqual(status(results(0.9, 0.4, [10, 6, 10, 5])), ['met', 'met', 'missed']);
  assert.deepEqual(status({ groups: {} } as unknown as Results), ['not measured', 'not measured', 'not measured']);
  assert.match(compileTargets(results(1.5, 0.5, [10, 5, 10, 5]))[0]!.detail, /node 1\.50× \(again in the process: 1\.50×\)/);
});

test('the tables and summary rows report every path, the ratios to C and the programs', () => {
  const r = results(1.5, 0.25, [433, 23, 998, 611]);
  const section = compileSection(r);
  for (const mode of COMPILE_MODES) assert.ok(section.includes(mode === 'c' ? 'C, libseccomp' : mode.startsWith('ts') ? 'TypeScript compiler' : 'SDK (libseccomp)'), mode);
  assert.match(section, /\| Node, TypeScript compiler \| – \| – \| 1\.50 \| – \| – \| 1\.50 \| 1\.50× \| 0\.75 \(1\.50×\) \|/);
  assert.match(section, /TypeScript: 433 instructions, longest path 23; libseccomp: 998, longest path 611\. Same verdicts on 42 calls\./);
  const rows = compileSummaryRows(r).map((row) => row.join(' | '));
  assert.ok(rows.some((row) => row.includes('TypeScript compiler on Node / Bun / Deno') && row.includes('1.50× / 1.50× / 1.50×')), rows.join('\n'));
  assert.ok(rows.some((row) => row.includes("lockdown's two filters") && row.includes('0.25× / 0.25× / 0.25×')), rows.join('\n'));
  assert.ok(rows.some((row) => row.includes('433 / 998') && row.includes('longest path 23 / 611')), rows.join('\n'));
});
