// lockdown()'s cold-start shortcuts, each checked against the long way it replaces: the
// precompiled programs against the compiler, the plan's hand-built profiles against
// validateProfile, the shape-only load check, the one-pass /proc parser. Nothing here loads
// a filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { Action } from '../src/actions.js';
import type { ArchName } from '../src/arch.js';
import { compileProgram } from '../src/compiler.js';
import { InvalidBpfError } from '../src/errors.js';
import { installBpf } from '../src/installbpf.js';
import type { Native } from '../src/native.js';
import { findRuleConflicts, validateProfile } from '../src/profile/index.js';
import { parseThreadStatus, readThreads } from '../src/status.js';
import { planLockdown, resolveLockdownOptions, type LockdownOptions } from '../src/lockdown/index.js';
import { decodeBase64, fromBase64, PRECOMPILED_ARCHES, precompiledEntry, precompiledKey, precompiledProgram, seccompNumber } from '../src/lockdown/precompiled.js';
import { PROGRAMS, SETS } from '../src/lockdown/precompiled.generated.js';
import { ARCH_NAMES } from '../src/arch.js';
import { resolveSyscall } from '../src/syscalls/index.js';
import { bindSelfPid, bindSelfPidInPlace, SELF_PID_PLACEHOLDER } from '../src/lockdown/self.js';

const RUNTIMES = ['node', 'bun', 'deno'] as const;

test('the precompiled table is what the compiler makes of the plan now (run `pnpm gen` if not)', () => {
  let checked = 0;
  for (const arch of PRECOMPILED_ARCHES) {
    for (const runtime of RUNTIMES) {
      for (const readOnlyFs of [false, true]) {
        const resolved = resolveLockdownOptions({ readOnlyFs }, runtime);
        const entry = precompiledEntry(resolved, arch);
        assert.ok(entry, `${arch} ${runtime} readOnlyFs=${readOnlyFs} is in the table`);
        const plan = planLockdown(resolved, arch);
        const live = [plan.argumentFilter, plan.mainFilter].map((p) => compileProgram(p, { nativeArch: arch }).bytes);
        assert.deepEqual(entry.programs.map(precompiledProgram), live, `${arch} ${runtime} readOnlyFs=${readOnlyFs}: stale, run \`pnpm gen\``);
        assert.deepEqual(
          [entry.allowed, entry.conditional, entry.denied, entry.enosys],
          [plan.allowed.length, plan.conditional.length, plan.denied.length, plan.enosys.length],
        );
        checked++;
      }
    }
  }
  assert.equal(checked, Object.keys(SETS).length, 'no entry the test does not compare');
});

test('only the options the table was built for take it; the rest are planned', () => {
  const entry = (o: LockdownOptions, arch: ArchName = 'x86_64', runtime: (typeof RUNTIMES)[number] = 'node') =>
    precompiledEntry(resolveLockdownOptions(o, runtime), arch);
  assert.equal(entry({}), SETS[precompiledKey('x86_64', 'node', false)]);
  assert.equal(entry({}, 'aarch64', 'bun'), SETS[precompiledKey('aarch64', 'bun', false)]);
  assert.equal(entry({ readOnlyFs: true, logDenials: true, action: 'errno(EPERM)', preset: 'deno', via: 'typescript' }), SETS[precompiledKey('x86_64', 'deno', true)]);
  for (const o of [
    { allow: ['sethostname'] }, { deny: ['getppid'] }, { action: 'killProcess' }, { action: Action.errno('EACCES') }, { dryRun: true },
    { via: 'libseccomp' as const }, { preset: 'docker-default' as const }, { preset: ['@default'] },
  ]) assert.equal(entry(o), undefined, JSON.stringify(o));
  assert.equal(entry({}, 'riscv64'), undefined, 'arches outside the table');
});

test("the plan's profiles are already in validateProfile's normal form, frozen, and free of conflicts", () => {
  const options: LockdownOptions[] = [
    {}, { readOnlyFs: true }, { dryRun: true }, { action: 'killProcess' }, { preset: 'docker-default' },
    { allow: ['@timer', 'kill', 'ioctl'], deny: ['@network-io'], readOnlyFs: true }, { preset: ['@default', 'clone', 'socket'] },
  ];
  for (const arch of ['x86_64', 'aarch64', 'x86', 's390x'] as ArchName[]) {
    for (const o of options) {
      const plan = planLockdown(resolveLockdownOptions(o, 'bun'), arch);
      for (const p of [plan.argumentFilter, plan.mainFilter]) {
        assert.deepEqual(validateProfile(p), p, `${arch} ${JSON.stringify(o)}`);
        assert.deepEqual(findRuleConflicts(p), []);
        assert.ok(Object.isFrozen(p) && Object.isFrozen(p.rules) && p.rules.every((r) => Object.isFrozen(r) && Object.isFrozen(r.syscalls)));
      }
    }
  }
});

test("the table's seccomp(2) numbers are resolveSyscall's, on every arch", () => {
  for (const arch of ARCH_NAMES) assert.equal(seccompNumber(arch), resolveSyscall('seccomp', arch), arch);
});

test("decodeBase64 (the engine's decoder) and fromBase64 (the fallback) agree on every table program, each a fresh array of its own", () => {
  for (const text of PROGRAMS) {
    const fast = decodeBase64(text);
    assert.deepEqual(fast, fromBase64(text));
    assert.equal(fast.byteOffset, 0);
    assert.equal(fast.buffer.byteLength, fast.byteLength, 'not a view into a shared pool');
  }
  assert.notEqual(precompiledProgram(0), precompiledProgram(0));
});

test('fromBase64 decodes what Buffer encodes, line breaks and padding included', () => {
  for (let n = 0; n < 40; n++) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n * 11) & 0xff);
    const text = Buffer.from(bytes).toString('base64');
    assert.deepEqual(fromBase64(text), bytes);
    assert.deepEqual(fromBase64(`\n${text.replace(/(.{7})/g, '$1\n')}\n`), bytes);
  }
  assert.throws(() => fromBase64('ab*d'), RangeError);
});

test('bindSelfPidInPlace writes the pid into the array it is given; bindSelfPid leaves its input alone', () => {
  const program = new Uint8Array(16);
  const dv = new DataView(program.buffer);
  dv.setUint16(0, 0x15, true);
  dv.setUint32(4, SELF_PID_PLACEHOLDER, true);
  dv.setUint16(8, 0x06, true);
  const copy = bindSelfPid(program, 77);
  assert.notEqual(copy, program);
  assert.equal(dv.getUint32(4, true), SELF_PID_PLACEHOLDER);
  assert.equal(bindSelfPidInPlace(program, 77), program);
  assert.equal(dv.getUint32(4, true), 77);
  assert.deepEqual(copy, program);
});

/** A native whose every use fails the test: shape errors must come before any FFI call. */
const untouchable = new Proxy({}, { get: (_t, key) => assert.fail(`native.${String(key)} used`) }) as Native;

test('installBpf checks the shape only, before any FFI call: whole instructions, 1 to 4096, a return last', () => {
  const ret = Uint8Array.of(0x06, 0, 0, 0, 0, 0, 0xff, 0x7f);
  const ld = Uint8Array.of(0x20, 0, 0, 0, 4, 0, 0, 0);
  for (const [bytes, why] of [
    [new Uint8Array(0), /1 to 4096/], [ret.subarray(0, 7), /1 to 4096/], [new Uint8Array(8 * 4097), /1 to 4096/], [ld, /return/],
    [Uint8Array.of(...ret, ...ld), /return/],
  ] as const) assert.throws(() => installBpf(untouchable, bytes), (err) => err instanceof InvalidBpfError && why.test(err.message));
});

test('readThreads lists each thread once, by tid, skipping one that exits while listed; the one-pass parser reads what the regexps did', () => {
  const files: Record<string, string> = {
    '/proc/9/task/12/status': 'Name:\tworker: 1\nState:\tS\nNoNewPrivs:\t1\nSeccomp:\t2\nSeccomp_filters:\t3\n',
    '/proc/9/task/9/status': 'Name:\tmain\nSeccomp:\t0\n',
  };
  const host = {
    readDir: (p: string) => (assert.equal(p, '/proc/9/task'), ['12', '9', '40']),
    readTextFile: (p: string) => files[p] ?? assert.fail('ENOENT'),
    readLink: () => assert.fail('no fd scan'),
    pid: () => 9, machine: () => 'x64', env: () => undefined,
  };
  assert.deepEqual(readThreads(host), [
    { tid: 9, name: 'main', seccomp: 0, mode: 'disabled', filters: undefined, noNewPrivs: false },
    { tid: 12, name: 'worker: 1', seccomp: 2, mode: 'filter', filters: 3, noNewPrivs: true },
  ]);
  assert.equal(parseThreadStatus(1, 'Seccomp_filters:\t4\nSeccomp:\t1\n').seccomp, 1, 'Seccomp_filters is not Seccomp');
});
