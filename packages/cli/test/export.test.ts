// export: a profile in each engine's format, from the SDK's JSON, an OCI profile, or a learned one; learn --merge's union.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { fromSeccompiler, resolveOci } from '@seccomp/node';
import { mergeLearned } from '../src/commands/learn-merge.js';
import { json, scratch, seccomp } from './helpers.js';

const s = scratch();
const DOCKER = fileURLToPath(new URL('../../core/data/docker-default.json', import.meta.url));
const allowList = () => s.file('allow.json', {
  defaultAction: 'errno(EPERM)',
  arches: ['x86_64'],
  rules: [{ syscalls: ['read', 'write', 'exit_group', 'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'], action: 'allow' }],
});

test('--format systemd: the drop-in, with systemd\'s group name where the members match', () => {
  const r = seccomp(['export', allowList(), '--format', 'systemd']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '[Service]\nSystemCallFilter=@memlock exit_group read write\nSystemCallErrorNumber=EPERM\nSystemCallArchitectures=x86-64\n');
});

test('--format seccompiler -o file: Firecracker JSON that reads back as the same profile', () => {
  const out = `${s.dir}/filter.json`;
  const r = seccomp(['export', allowList(), '--format', 'seccompiler', '--thread', 'vmm', '-o', out, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(json(r).output, out);
  const written = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(Object.keys(written), ['vmm']);
  assert.deepEqual(written.vmm.default_action, { errno: 1 });
  assert.equal(written.vmm.filter_action, 'allow');
  const back = fromSeccompiler(written, { arch: 'x86_64' });
  assert.deepEqual(back.rules.flatMap((x) => x.syscalls).sort(), ['exit_group', 'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall', 'read', 'write']);
});

test('--format spo on Docker\'s profile: a SeccompProfile resource resolved for the arch', () => {
  const r = seccomp(['export', DOCKER, '--format', 'spo', '--name', 'docker-default', '--namespace', 'apps', '--arch', 'x86_64']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^apiVersion: "security-profiles-operator\.x-k8s\.io\/v1beta1"\nkind: "SeccompProfile"\nmetadata:\n  name: "docker-default"\n  namespace: "apps"\nspec:\n  defaultAction: "SCMP_ACT_ERRNO"\n  architectures:\n  - "SCMP_ARCH_X86_64"\n/);
  // Docker's conditional socket rules come through as args.
  assert.match(r.stdout, /- names:\n {4}- "socket"\n {4}action: "SCMP_ACT_ALLOW"\n {4}args:\n {4}- index: 0\n {6}value: 38\n {6}op: "SCMP_CMP_LT"/);
  const v1 = seccomp(['export', DOCKER, '--format', 'spo', '--api-version', 'v1']);
  assert.match(v1.stdout, /^apiVersion: "security-profiles-operator\.x-k8s\.io\/v1"\n/);
});

test('--format oci: what resolveOci reads back as the same rules', () => {
  const r = seccomp(['export', allowList(), '--format', 'oci']);
  assert.equal(r.code, 0, r.stderr);
  const oci = JSON.parse(r.stdout);
  assert.equal(oci.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(resolveOci(oci, { arch: 'x86_64' }).profile.rules[0]!.syscalls.length, 8);
});

test('refusals: no or unknown --format is a usage error; what a format cannot hold names the rule', () => {
  assert.equal(seccomp(['export', allowList()]).code, 2);
  const bad = seccomp(['export', allowList(), '--format', 'yaml']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format is one of oci, spo, systemd, seccompiler, got "yaml"/);
  const mixed = seccomp(['export', DOCKER, '--format', 'seccompiler']);
  assert.equal(mixed.code, 3);
  assert.match(mixed.stderr, /rules\[\d+\]: seccompiler gives every rule one action/);
  const cond = seccomp(['export', DOCKER, '--format', 'systemd']);
  assert.equal(cond.code, 3);
  assert.match(cond.stderr, /systemd's SystemCallFilter= cannot look at arguments/);
});

test('learn --merge: the union of two recordings, commented groups kept, names not repeated', () => {
  const first = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], syscalls: [
    { names: ['openat', 'read'], action: 'SCMP_ACT_ALLOW', comment: 'used by: cat a' },
    { names: ['exit_group', 'futex'], action: 'SCMP_ACT_ALLOW', comment: 'launcher' },
  ] } as const;
  const second = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'], syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', comment: 'used by: cat b' },
    { names: ['exit_group', 'futex', 'madvise'], action: 'SCMP_ACT_ALLOW', comment: 'launcher' },
  ] } as const;
  const merged = mergeLearned(first as never, second as never, 'p.json');
  assert.deepEqual(merged.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86']);
  assert.deepEqual(merged.syscalls!.map((x) => [x.comment, x.names]), [
    ['used by: cat a', ['openat', 'read']],
    ['launcher', ['exit_group', 'futex', 'madvise']],
    ['used by: cat b', ['write']],
  ]);
  assert.deepEqual(mergeLearned(merged, second as never, 'p.json'), merged, 'merging the same recording again changes nothing');
  assert.throws(() => mergeLearned(first as never, { ...second, defaultAction: 'SCMP_ACT_KILL_PROCESS' } as never, 'p.json'), /default action/);
});

test('learn --merge end to end: a second run folded into the first run\'s file, then exported', () => {
  const data = s.file('notes.txt', 'hello\n');
  const out = `${s.dir}/merged.json`;
  const first = seccomp(['learn', '-o', out, '--', '/bin/true']);
  assert.equal(first.code, 0, first.stderr);
  const before = JSON.parse(readFileSync(out, 'utf8'));
  const second = seccomp(['learn', '-o', out, '--merge', out, '--json', '--', '/bin/cat', data]);
  assert.equal(second.code, 0, second.stderr);
  const after = JSON.parse(readFileSync(out, 'utf8'));
  const names = (p: any) => new Set<string>(p.syscalls.flatMap((x: any) => x.names));
  for (const n of names(before)) assert.ok(names(after).has(n), `${n} from the first run is kept`);
  assert.ok(names(after).has('read') && names(after).has('openat'), 'cat\'s calls are added');
  assert.equal(after.syscalls[0].comment, before.syscalls[0].comment, 'the first run\'s groups come first');
  const spo = seccomp(['export', out, '--format', 'spo', '--name', 'cat']);
  assert.equal(spo.code, 0, spo.stderr);
  assert.match(spo.stdout, /kind: "SeccompProfile"/);
  // learn answers its own input errors with 125, as run does (the command's statuses keep the rest).
  const missing = seccomp(['learn', '-o', out, '--merge', `${s.dir}/missing.json`, '--', '/bin/sh', '-c', 'echo ran']);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /missing\.json/);
  assert.doesNotMatch(missing.stdout, /ran/, 'refused before the command runs');
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), after, 'the profile is left as it was');
});
