// Any arch on any host, and runc's two options for OCI profiles, through the built CLI:
// `compile --arch s390x` writes compileProgram's big-endian bytes (--via libseccomp is refused
// with a reason); a syscall the loaded libseccomp does not know is warned about as fields,
// kept by default and left out with --skip-unknown-to-library; --enosys-newer puts runc's
// ENOSYS stub in front (compile, disasm, run). Verdicts are read with the emulator; only
// `run` loads a filter, in the process the CLI starts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  compileProgram, DOCKER_DEFAULT_PROFILE, emulate, formatAction, nativeArch, resolveOci, resolveSyscall, syscallResolveName, type ArchName,
} from '@seccomp/node';
import { json, scratch, seccomp } from './helpers.js';

const s = scratch();
const HOST = nativeArch();
const docker = s.file('docker.json', DOCKER_DEFAULT_PROFILE);
const verdict = (bytes: Uint8Array, arch: ArchName, syscall: string | number) => formatAction(emulate(bytes, { arch, syscall }).action);

test('compile --arch s390x (and ppc64, mips) on this host: exit 0, compileProgram\'s bytes, big-endian verdicts', () => {
  for (const arch of ['s390x', 'ppc64', 'mips'] as const) {
    const out = `${s.dir}/${arch}.bpf`;
    const r = seccomp(['compile', docker, '-o', out, '--arch', arch, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const bytes = new Uint8Array(readFileSync(out));
    const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch });
    assert.deepEqual(bytes, compileProgram(profile, { nativeArch: HOST }).bytes, arch);
    assert.deepEqual(json(r).arches, profile.arches);
    assert.equal(verdict(bytes, arch, 'read'), 'allow');
    assert.equal(verdict(bytes, arch, 'reboot'), 'errno(EPERM)');
  }
});

test('compile --via libseccomp --arch s390x: refused before libseccomp builds anything, with the reason', () => {
  const r = seccomp(['compile', docker, '-o', `${s.dir}/no.bpf`, '--arch', 's390x', '--via', 'libseccomp', '--json']);
  assert.equal(r.code, 3, r.stderr);
  const j = json(r);
  assert.equal(j.error.name, 'LibseccompArchError');
  assert.match(j.error.message, /libseccomp cannot build a filter for s390x on this x86_64 host: s390x is big-endian/);
  assert.match(j.error.message, /the SDK's compiler \(the default\) builds it/);
});

// A single-arch OCI profile naming syscalls newer than libseccomp 2.5 (not on x86 or x32).
const NEW = ['mseal', 'getxattrat'] as const;
const unknown = NEW.filter((n) => syscallResolveName(n) === -1);
const single = s.file('single.json', {
  defaultAction: 'SCMP_ACT_ERRNO',
  architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [{ names: ['read', 'write', 'exit_group', ...NEW], action: 'SCMP_ACT_ALLOW' }],
});

test(`names the loaded libseccomp does not know (${unknown.join(', ') || 'none here'}): warned as fields, kept by number`, () => {
  const out = `${s.dir}/single.bpf`;
  const r = seccomp(['compile', single, '-o', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const details = json(r).details.filter((d: { code: string }) => d.code === 'unknownToLibrary');
  assert.deepEqual(details.map((d: { syscall: string; path: string; entry: number }) => [d.syscall, d.path, d.entry]), unknown.map((n) => [n, `syscalls[0].names[${3 + NEW.indexOf(n)}]`, 0]));
  for (const d of details) assert.match(d.message, /unknown to the loaded libseccomp; kept/);
  const bytes = new Uint8Array(readFileSync(out));
  for (const n of NEW) assert.equal(verdict(bytes, 'x86_64', n), 'allow', n);
});

test('--skip-unknown-to-library leaves them out, as runc does: they get the default action', () => {
  const out = `${s.dir}/skip.bpf`;
  const r = seccomp(['compile', single, '-o', out, '--skip-unknown-to-library', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.syscalls, 3 + NEW.length - unknown.length);
  for (const d of j.details.filter((x: { code: string }) => x.code === 'unknownToLibrary')) assert.match(d.message, /left out, as runc does/);
  const bytes = new Uint8Array(readFileSync(out));
  for (const n of NEW) assert.equal(verdict(bytes, 'x86_64', n), unknown.includes(n) ? 'errno(EPERM)' : 'allow', n);
  assert.equal(verdict(bytes, 'x86_64', 'read'), 'allow');
});

test('--enosys-newer: a syscall number above the highest the profile names gets ENOSYS, the rest as before', () => {
  const plain = `${s.dir}/plain.bpf`;
  const stubbed = `${s.dir}/stubbed.bpf`;
  assert.equal(seccomp(['compile', single, '-o', plain, '--skip-unknown-to-library']).code, 0);
  const r = seccomp(['compile', single, '-o', stubbed, '--skip-unknown-to-library', '--enosys-newer', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const kept = ['read', 'write', 'exit_group', ...NEW.filter((n) => !unknown.includes(n))];
  const highest = Math.max(...kept.map((n) => resolveSyscall(n, 'x86_64')));
  assert.deepEqual(json(r).enosysAbove, { x86_64: highest });
  const a = new Uint8Array(readFileSync(plain));
  const b = new Uint8Array(readFileSync(stubbed));
  assert.equal(verdict(a, 'x86_64', highest + 1), 'errno(EPERM)');
  assert.equal(verdict(b, 'x86_64', highest + 1), 'errno(ENOSYS)');
  assert.equal(verdict(b, 'x86_64', 999), 'errno(ENOSYS)');
  for (const n of unknown) assert.equal(verdict(b, 'x86_64', n), 'errno(ENOSYS)', `${n}, left out and newer than the rest`);
  // At or below the highest named, the program decides as it did.
  for (const nr of [0, 1, 60, highest - 1, highest]) assert.equal(verdict(b, 'x86_64', nr), verdict(a, 'x86_64', nr), `nr ${nr}`);
  assert.match(seccomp(['compile', single, '-o', stubbed, '--skip-unknown-to-library', '--enosys-newer']).stdout, new RegExp(`enosys +above ${highest} on x86_64`));
});

test('--enosys-newer with a default that lets calls through: no stub, as runc, and said so', () => {
  const allowing = s.file('allowing.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] });
  const r = seccomp(['compile', allowing, '-o', `${s.dir}/allowing.bpf`, '--enosys-newer', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.enosysAbove, null);
  assert.ok(j.warnings.some((w: string) => /--enosys-newer: no ENOSYS stub, as runc: the default action allow lets the call through/.test(w)), j.warnings.join('\n'));
});

test('the OCI options on an SDK profile: ignored, with a warning', () => {
  const sdk = s.file('sdk.json', { defaultAction: 'errno(EPERM)', rules: [{ syscalls: ['read'], action: 'allow' }] });
  const r = seccomp(['compile', sdk, '-o', `${s.dir}/sdk.bpf`, '--enosys-newer', '--skip-unknown-to-library']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--skip-unknown-to-library and --enosys-newer read OCI profiles only: ignored for an SDK profile/);
});

test('disasm --enosys-newer: the stub first, then the program with each return still named by its entry', () => {
  const r = seccomp(['disasm', single, '--skip-unknown-to-library', '--enosys-newer', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const lines: { pc: number; text?: string; source?: string }[] = json(r).lines;
  const stub = lines.filter((l) => l.source === 'ENOSYS stub (--enosys-newer)');
  assert.ok(stub.length > 3);
  assert.deepEqual(stub.map((l) => l.pc), stub.map((_, i) => i), 'the stub is the first instructions');
  assert.ok(lines.some((l) => l.source === 'syscalls[0]'));
  assert.ok(lines.some((l) => l.source === 'default action'));
  const plain: { source?: string }[] = json(seccomp(['disasm', single, '--skip-unknown-to-library', '--json'])).lines;
  assert.equal(lines.length - stub.length, plain.length);
  assert.deepEqual(lines.slice(stub.length).map((l) => l.source), plain.map((l) => l.source));
});

test('run --enosys-newer: a syscall newer than Docker\'s default names fails with ENOSYS instead of EPERM', () => {
  // perl's syscall() makes a raw call and leaves errno in $!.
  const probe = ['perl', '-e', 'syscall(999); print $!+0'];
  const plain = seccomp(['run', '--profile', docker, '--', ...probe]);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, '1', 'EPERM: Docker\'s default action');
  const stubbed = seccomp(['run', '--profile', docker, '--enosys-newer', '--', ...probe]);
  assert.equal(stubbed.code, 0, stubbed.stderr);
  assert.equal(stubbed.stdout, '38', 'ENOSYS from the stub');
});
