// compile() for arches of another byte order than this host's, through the bound API: the
// SDK's compiler builds them (bytes equal compileProgram's, in the target's order); via
// libseccomp, which builds them wrong or not at all, they are refused before any filter is
// made. Nothing is loaded: compile() only builds and exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Action, ARCHES, arg, compile, compileProgram, CompileError, emulate, formatAction, LibseccompArchError, libraryVersion, nativeArch,
  syscallNames, syscallResolveName, type ArchName, type CompileWarning, type Profile,
} from '../src/index.js';

const HOST = nativeArch();
const other = ARCHES[HOST].endian === 'little' ? 'big' : 'little';
const v = libraryVersion();
const is26 = v.major > 2 || (v.major === 2 && v.minor >= 6);

const profile = (arches: ArchName[]): Profile => ({
  defaultAction: Action.errno('EPERM'),
  arches,
  rules: [
    { syscalls: ['read', 'write', 'close', 'exit_group'], action: Action.allow },
    { syscalls: ['kill'], action: Action.allow, conditions: [arg(1).eq(0)] },
    { syscalls: ['ptrace'], action: Action.killProcess },
  ],
});

const want = (name: string, args: readonly bigint[]): string =>
  ['read', 'write', 'close', 'exit_group'].includes(name) || (name === 'kill' && args[1] === 0n) ? 'allow' : name === 'ptrace' ? 'killProcess' : 'errno(EPERM)';

for (const arches of [['s390x'], ['ppc64'], ['mips'], ['x86_64', 'aarch64', 'riscv64', 'mipsel']] as ArchName[][]) {
  test(`compile() builds ${arches.join(' + ')} on ${HOST}: compileProgram's bytes, each arch's verdicts in its byte order`, () => {
    const bytes = compile(profile(arches));
    assert.deepEqual(bytes, compileProgram(profile(arches), { nativeArch: HOST }).bytes);
    for (const arch of arches) {
      for (const name of syscallNames(arch)) {
        for (const args of [[0n, 0n], [0n, 9n]]) {
          assert.equal(formatAction(emulate(bytes, { arch, syscall: name, args }).action), want(name, args), `${name} on ${arch}`);
        }
      }
    }
  });
}

test(`via: 'libseccomp' refuses ${other}-endian arches on ${HOST} with fields, before building`, () => {
  for (const arch of (Object.keys(ARCHES) as ArchName[]).filter((a) => ARCHES[a].endian === other)) {
    assert.throws(
      () => compile(profile([arch]), { via: 'libseccomp' }),
      (err: unknown) => err instanceof LibseccompArchError && err.reason === 'otherByteOrder' && err.arch === arch && err.hostArch === HOST && /SDK's compiler \(the default\) builds it/.test(err.message),
      arch,
    );
    // The SDK's compiler (the default) builds the same profile.
    assert.ok(compile(profile([arch])).length > 0);
  }
});

test("via: 'libseccomp' and an arch the loaded libseccomp predates: refused with the versions (or built, from 2.6)", () => {
  const arch = (['loongarch64', 'sh'] as const).find((a) => ARCHES[a].endian !== other)!;
  if (is26) {
    assert.ok(compile(profile([arch]), { via: 'libseccomp' }).length > 0);
    return;
  }
  assert.throws(
    () => compile(profile([arch]), { via: 'libseccomp' }),
    (err: unknown) => err instanceof LibseccompArchError && err.reason === 'archTooNew' && err.arch === arch && err.since === '2.6.0' && err.library === `${v.major}.${v.minor}.${v.micro}`,
  );
});

test("via: 'libseccomp' with arches of the host's byte order: libseccomp's program gives the compiler's verdicts", () => {
  const arches = (['x86_64', 'aarch64', 'riscv64', 'mipsel', 's390x', 'ppc64'] as ArchName[]).filter((a) => ARCHES[a].endian !== other);
  const lib = compile(profile(arches), { via: 'libseccomp' });
  const own = compile(profile(arches));
  for (const arch of arches) {
    for (const name of syscallNames(arch).filter((n) => syscallResolveName(n, arch) !== -1)) {
      assert.equal(formatAction(emulate(lib, { arch, syscall: name }).action), formatAction(emulate(own, { arch, syscall: name }).action), `${name} on ${arch}`);
    }
  }
});

test('no via: a refusal libseccomp would take over stays the compiler\'s when libseccomp cannot build the arch', () => {
  const arch: ArchName = other === 'big' ? 'ppc64' : 'x86_64';
  // Told apart only by arg0, both rules land on socketcall: the SDK's compiler refuses (overlap).
  const overlapping: Profile = {
    defaultAction: Action.allow,
    arches: [arch],
    rules: [
      { syscalls: ['socket'], action: Action.errno(1), conditions: [arg(0).eq(1)] },
      { syscalls: ['socket'], action: Action.errno(2), conditions: [arg(0).eq(2)] },
    ],
  };
  const warnings: CompileWarning[] = [];
  assert.throws(
    () => compile(overlapping, { onWarning: (w) => warnings.push(w) }),
    (err: unknown) => err instanceof CompileError && err.reason === 'overlap' && err.arch === arch,
  );
  assert.deepEqual(warnings, []);
});
