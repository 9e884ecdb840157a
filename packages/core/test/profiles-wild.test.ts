/**
 * Real profiles from public repositories (data/profiles-wild/README.md names each source):
 * every one imports, resolves for the arches it is written for, compiles with the SDK's
 * compiler, gives each rule's verdict in the emulator, and round-trips both ways.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Action, actionsEqual, formatAction } from '../src/actions.js';
import type { ArchName } from '../src/arch.js';
import { emulate } from '../src/bpf/index.js';
import { compileProgram } from '../src/compiler.js';
import { ERRNO } from '../src/errno.js';
import { fromOci, resolveOci, toOci, withEnosysStub, type OciProfile, type ResolvedOci } from '../src/profile/index.js';
import { resolveSyscall } from '../src/syscalls/index.js';

const DIR = new URL('../data/profiles-wild/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, DIR), 'utf8'));

/** The arches a profile is written for: its archMap's main arches, else its first listed, else x86_64. */
function targets(oci: OciProfile): ArchName[] {
  const main = (name: string) => ({ SCMP_ARCH_X86_64: 'x86_64', SCMP_ARCH_AARCH64: 'aarch64', SCMP_ARCH_S390X: 's390x' } as Record<string, ArchName>)[name];
  const fromMap = (oci.archMap ?? []).map((e) => main(e.architecture)).filter((a): a is ArchName => a !== undefined);
  if (fromMap.length) return fromMap;
  return [main(oci.architectures?.[0] ?? '') ?? 'x86_64'];
}

/** Every unconditional rule's syscalls get the rule's action; a name decided earlier is the first rule's. */
function checkVerdicts(resolved: ResolvedOci, bytes: Uint8Array, arch: ArchName, file: string): number {
  const seen = new Set<string | number>();
  let checked = 0;
  for (const rule of resolved.profile.rules) {
    for (const s of rule.syscalls) {
      if (rule.conditions?.length || seen.has(s) || resolveSyscall(String(s), arch) < 0) {
        seen.add(s);
        continue;
      }
      seen.add(s);
      const got = emulate(bytes, { arch, syscall: s }).action;
      assert.ok(actionsEqual(got, rule.action), `${file} on ${arch}: ${String(s)} gives ${formatAction(got)}, the rule says ${formatAction(rule.action)}`);
      checked++;
    }
  }
  return checked;
}

describe('real seccomp profiles (data/profiles-wild)', () => {
  it('at least ten, each named in the README', () => {
    assert.ok(FILES.length >= 10, FILES.join(', '));
    const readme = readFileSync(new URL('README.md', DIR), 'utf8');
    for (const f of FILES) assert.match(readme, new RegExp(`\`${f.replace(/\./g, '\\.')}\` \\| [\\w./-]+`), f);
  });

  for (const file of FILES) {
    it(`${file}: imports, compiles and round-trips`, () => {
      const json = read(file);
      const oci = fromOci(json);
      assert.deepEqual(toOci(oci), json, 'toOci(fromOci(x)) is x');
      assert.deepEqual(fromOci(JSON.parse(JSON.stringify(toOci(oci)))), oci, 'fromOci → toOci → fromOci');
      for (const arch of targets(oci)) {
        const resolved = resolveOci(oci, { arch });
        const { bytes } = compileProgram(resolved.profile, { nativeArch: arch });
        assert.ok(bytes.byteLength > 0 && bytes.byteLength % 8 === 0);
        checkVerdicts(resolved, bytes, arch, file);
        // The resolved profile as OCI and back is the same profile.
        const again = resolveOci(toOci(resolved.profile), { arch });
        assert.deepEqual(again.profile, resolved.profile, `${file} on ${arch}: Profile → OCI → Profile`);
        assert.equal(resolved.entries.length, resolved.profile.rules.length);
      }
    });
  }
});

describe("podman's default (containers-common seccomp.json)", () => {
  const json = read('podman-containers-common.json');

  it('reads defaultErrno/errno and collapses setns as libseccomp does, with a shadowed warning', () => {
    const r = resolveOci(json, { arch: 'x86_64' });
    assert.deepEqual(r.profile.defaultAction, Action.errno(ERRNO.ENOSYS));
    const shadowed = r.details.filter((d) => d.code === 'shadowed');
    assert.deepEqual(shadowed.map(({ code, syscall, entry, keptEntry }) => ({ code, syscall, entry, keptEntry })), [
      { code: 'shadowed', syscall: 'setns', entry: 16, keptEntry: 1 },
    ]);
    assert.ok(r.warnings.includes(shadowed[0]!.message));
    const raw = json as { syscalls: { names: string[]; action: string }[] };
    assert.ok(raw.syscalls[1]!.names.includes('setns') && raw.syscalls[1]!.action === 'SCMP_ACT_ALLOW', 'the fixture allows setns in entry 1');
    assert.ok(raw.syscalls[16]!.names.includes('setns') && raw.syscalls[16]!.action === 'SCMP_ACT_ERRNO', 'and denies it in entry 16');
    const { bytes } = compileProgram(r.profile, { nativeArch: 'x86_64' });
    assert.deepEqual(emulate(bytes, { arch: 'x86_64', syscall: 'setns' }).action, Action.allow, 'what podman users run');
    // Entry 16's other syscalls stay denied with its errno.
    const rule = r.profile.rules[r.entries.indexOf(16)]!;
    assert.ok(!rule.syscalls.includes('setns') && rule.syscalls.length > 0);
    assert.deepEqual(emulate(bytes, { arch: 'x86_64', syscall: rule.syscalls[0]! }).action, rule.action);
  });

  it('with CAP_SYS_ADMIN the capability group allows setns too: no conflict, no warning', () => {
    const r = resolveOci(json, { arch: 'x86_64', capabilities: ['CAP_SYS_ADMIN'] });
    assert.equal(r.details.filter((d) => d.code === 'shadowed').length, 0);
  });

  it('runc\'s ENOSYS stub: numbers above the highest named get ENOSYS, the rest the filter', () => {
    const r = resolveOci(json, { arch: 'x86_64', enosysForNewer: true });
    const above = r.enosysAbove!;
    assert.deepEqual(Object.keys(above).sort(), ['x32', 'x86', 'x86_64']);
    const { bytes } = compileProgram(r.profile, { nativeArch: 'x86_64' });
    const patched = withEnosysStub(bytes, above);
    const enosys = Action.errno(ERRNO.ENOSYS);
    for (const arch of ['x86_64', 'x86'] as const) {
      const high = above[arch]!;
      assert.deepEqual(emulate(patched, { arch, syscall: high + 1 }).action, enosys, `${arch} ${high + 1}`);
      assert.deepEqual(emulate(patched, { arch, syscall: 0x3fffffff }).action, enosys);
      for (const nr of [0, 1, high - 1, high]) {
        assert.deepEqual(emulate(patched, { arch, syscall: nr }).action, emulate(bytes, { arch, syscall: nr }).action, `${arch} ${nr} unchanged`);
      }
    }
    const x32 = above.x32!;
    assert.deepEqual(emulate(patched, { arch: 'x32', syscall: x32 + 1 }).action, enosys);
    assert.deepEqual(emulate(patched, { arch: 'x32', syscall: x32 }).action, emulate(bytes, { arch: 'x32', syscall: x32 }).action);
    // An allow default gets no stub, as in runc.
    const open = resolveOci({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] }, { arch: 'x86_64', enosysForNewer: true });
    assert.equal(open.enosysAbove, undefined);
  });
});

describe('runc semantics on import', () => {
  it('two comparisons on one argument: one rule per comparison, any one matches (runc test1)', () => {
    const r = resolveOci(read('runc-syscall-test1.json'), { arch: 'x86_64' });
    const split = r.details.filter((d) => d.code === 'split');
    assert.ok(split.length >= 1);
    const entry = split[0]!.entry!;
    const rules = r.profile.rules.filter((_, i) => r.entries[i] === entry);
    assert.ok(rules.length >= 2 && rules.every((x) => x.conditions?.length === 1));
  });

  it('a made-up entry: arg0 == 1 OR arg0 == 2 on one entry', () => {
    const r = resolveOci({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 0, value: 2, op: 'SCMP_CMP_EQ' }, { index: 1, value: 7, op: 'SCMP_CMP_EQ' }] }],
    }, { arch: 'x86_64' });
    const { bytes } = compileProgram(r.profile, { nativeArch: 'x86_64' });
    const run = (...args: number[]) => emulate(bytes, { arch: 'x86_64', syscall: 'personality', args }).action.kind;
    assert.equal(run(1, 0), 'allow');
    assert.equal(run(2, 0), 'allow');
    // runc splits every comparison of the entry, so arg1 == 7 alone is enough too.
    assert.equal(run(3, 7), 'allow');
    assert.equal(run(3, 0), 'errno');
  });

  it('names unknown to the loaded library: warned, kept by default, left out with skipUnknownToLibrary', () => {
    const oci = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'mseal'], action: 'SCMP_ACT_ALLOW' }] };
    const libraryKnows = (name: string) => name !== 'mseal';
    const kept = resolveOci(oci, { arch: 'x86_64', libraryKnows });
    assert.deepEqual(kept.details.map((d) => [d.code, d.syscall, d.path]), [['unknownToLibrary', 'mseal', 'syscalls[0].names[1]']]);
    assert.deepEqual(kept.profile.rules[0]!.syscalls, ['read', 'mseal']);
    const skipped = resolveOci(oci, { arch: 'x86_64', libraryKnows, skipUnknownToLibrary: true });
    assert.deepEqual(skipped.profile.rules[0]!.syscalls, ['read']);
    assert.match(skipped.warnings[0]!, /left out, as runc does/);
  });

  it('podman dialect: errno by name wins over errnoRet; an unknown name or an errno past MAX_ERRNO is refused', () => {
    const r = resolveOci({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, errno: 'EACCES' }] }, { arch: 'x86_64' });
    assert.deepEqual(r.profile.rules[0]!.action, Action.errno('EACCES'));
    assert.deepEqual(r.details.map((d) => d.code), ['errnoDialect']);
    assert.throws(() => fromOci({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrno: 'ENOPE' }), /defaultErrno: unknown errno "ENOPE"/);
    assert.throws(() => fromOci({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 4095 }), /defaultErrnoRet: with SCMP_ACT_ERRNO must be an integer from 0 to 4094 \(MAX_ERRNO is 4095/);
    assert.throws(() => fromOci({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errno: '5000' }] }), /syscalls\[0\]\.errno: with SCMP_ACT_ERRNO must be an integer from 0 to 4094/);
    // A trace message may use all 16 bits.
    assert.doesNotThrow(() => fromOci({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_TRACE', errnoRet: 5000 }] }));
  });
});
