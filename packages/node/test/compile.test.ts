// compile() builds and exports BPF without loading anything, so it may run in the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Action, arg, compile, CompileError, DOCKER_DEFAULT_PROFILE, emulate, nativeArch, resolveOci, syscallResolveName, UnknownToLibraryError, type ArchName, type CompileWarning } from '../src/index.js';

const newest = ['getxattrat', 'mseal', 'listmount'].filter((n) => syscallResolveName(n) === -1);

test("Docker's default profile compiles for x86_64 + x86 + x32 with the loaded libseccomp", () => {
  const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'x86_64' });
  const warnings: CompileWarning[] = [];
  const bpf = compile(profile, { via: 'libseccomp', onWarning: (w) => warnings.push(w) });
  assert.ok(bpf.length > 0);
  assert.equal(emulate(bpf, { arch: 'x86_64', syscall: 'read' }).action.kind, 'allow');
  assert.equal(emulate(bpf, { arch: 'x86_64', syscall: 'reboot' }).action.kind, 'errno');
  // Names libseccomp does not know are allow rules here: left out, so they get the default.
  for (const name of newest) {
    // Facts as fields: which syscall of which rule, on which arches.
    const w = warnings.find((x) => x.code === 'leftOut' && x.syscall === name);
    assert.ok(w && w.code === 'leftOut', `${name} reported: ${warnings.map((x) => x.message).join('\n')}`);
    assert.deepEqual(w.arches, ['x86_64', 'x86', 'x32']);
    assert.ok(profile.rules[w.rule]!.syscalls.includes(name));
    assert.equal(emulate(bpf, { arch: 'x86_64', syscall: name }).action.kind, 'errno', `${name} fails closed`);
  }
});

test('a native-only profile keeps a rule on a syscall newer than libseccomp, by number', () => {
  const bpf = compile({ defaultAction: Action.allow, rules: [{ syscalls: ['getxattrat'], action: Action.errno('EPERM') }] });
  assert.deepEqual(emulate(bpf, { arch: nativeArch(), syscall: 'getxattrat' }).action, Action.errno('EPERM'));
});

test('a stricter-than-default rule libseccomp cannot place on every arch is an error, not a hole', { skip: newest.length ? false : 'libseccomp knows every syscall of the table' }, () => {
  assert.throws(
    () => compile({ defaultAction: Action.allow, arches: ['x86_64', 'x86'], rules: [{ syscalls: [newest[0]!], action: Action.errno('EPERM') }] }, { via: 'libseccomp' }),
    (err: unknown) => err instanceof UnknownToLibraryError && err.syscall === newest[0] && err.rule === 0 && err.arches.join() === 'x86_64,x86' && !('errno' in err),
  );
});

test("the SDK's compiler places syscalls newer than libseccomp on every arch, by the tables' numbers", () => {
  const warnings: CompileWarning[] = [];
  const profile = { defaultAction: Action.allow, arches: ['x86_64', 'x86'] as const, rules: [{ syscalls: ['getxattrat', 'mseal', 'listmount'], action: Action.errno('EPERM') }] };
  const bpf = compile({ ...profile, arches: [...profile.arches] }, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(warnings, []);
  for (const arch of profile.arches) {
    for (const name of profile.rules[0]!.syscalls) {
      assert.deepEqual(emulate(bpf, { arch, syscall: name }).action, Action.errno('EPERM'), `${name} on ${arch}`);
    }
    assert.deepEqual(emulate(bpf, { arch, syscall: 'getpid' }).action, Action.allow, `getpid on ${arch}`);
  }
});

test('via is checked before anything is built', () => {
  assert.throws(() => compile({ defaultAction: Action.allow, rules: [] }, { via: 'gcc' as never }), (err: Error) => err instanceof TypeError && /via is "typescript"/.test(err.message));
});

test("a profile the SDK's compiler refuses for libseccomp's layout is built by libseccomp without via, and said so as fields", () => {
  // -1 with a condition on x86_64 and x32 together: libseccomp's verdict depends on which ABI's copy it lays out first.
  const profile = { defaultAction: Action.allow, arches: ['x86_64', 'x32'] as ArchName[], attributes: { apiTskip: true }, rules: [{ syscalls: [-1], action: Action.errno(5), conditions: [arg(0).eq(1)] }] };
  const warnings: CompileWarning[] = [];
  const bytes = compile(profile, { onWarning: (w) => warnings.push(w) });
  assert.equal(warnings.length, 1);
  const w = warnings[0]!;
  assert.ok(w.code === 'builtByLibseccomp' && w.refusal instanceof CompileError && w.refusal.feature === 'tskipSharedAbi');
  assert.deepEqual(bytes, compile(profile, { via: 'libseccomp' }));
  assert.throws(() => compile(profile, { via: 'typescript' }), (err: unknown) => err instanceof CompileError && err.reason === 'unsupported');
});
