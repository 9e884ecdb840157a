/**
 * The export formats against each format's own published material (test/fixtures/formats,
 * sources in its README): Firecracker's seccompiler filters import, compile and round-trip;
 * the SPO resource validates against the CRD's openAPIV3Schema and reproduces the operator's
 * example; the systemd groups the drop-in names hold exactly systemd's members.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Action } from '../src/actions.js';
import { emulate } from '../src/bpf/index.js';
import { compileProgram } from '../src/compiler.js';
import { ProfileError } from '../src/errors.js';
import { expandGroup } from '../src/groups/index.js';
import { isSyscallName, syscallNames } from '../src/syscalls/index.js';
import {
  fromSeccompiler, mergeProfiles, seccompilerToJSON, SYSTEMD_SAME_GROUPS, toSeccompiler, toSpo, toSpoResource, toSystemd,
} from '../src/formats/index.js';
import { fromOci, profileFromJSON, resolveOci, validateProfile } from '../src/profile/index.js';

const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`fixtures/formats/${name}`, import.meta.url), 'utf8'));

describe('seccompiler (Firecracker)', () => {
  for (const [file, arch] of [['firecracker-x86_64-unknown-linux-musl.json', 'x86_64'], ['firecracker-aarch64-unknown-linux-musl.json', 'aarch64']] as const) {
    const json = fixture(file);
    for (const thread of Object.keys(json)) {
      it(`${file} ${thread}: imports, compiles, keeps its verdicts and round-trips`, () => {
        const profile = fromSeccompiler(json, { thread, arch });
        const filter = json[thread];
        assert.equal(profile.rules.length, filter.filter.length);
        assert.deepEqual(profile.arches, [arch]);
        const { bytes } = compileProgram(profile, { nativeArch: arch });
        // Every listed syscall without conditions runs; the default action traps.
        const plain = filter.filter.find((r: any) => !r.args);
        assert.equal(emulate(bytes, { arch, syscall: plain.syscall }).action.kind, 'allow');
        assert.equal(emulate(bytes, { arch, syscall: 'ptrace' }).action.kind, filter.default_action === 'trap' ? 'trap' : 'killProcess');
        // A masked_eq condition from the file holds only with its bits.
        const masked = filter.filter.find((r: any) => r.args?.length === 1 && typeof r.args[0].op === 'object');
        if (masked) {
          const c = masked.args[0];
          const args = [0n, 0n, 0n, 0n, 0n, 0n];
          args[c.index] = BigInt(c.val);
          assert.equal(emulate(bytes, { arch, syscall: masked.syscall, args }).action.kind, 'allow');
        }
        // Written back, read again: the same profile.
        const back = toSeccompiler(profile, { thread });
        assert.deepEqual(fromSeccompiler(JSON.parse(seccompilerToJSON(back)), { thread, arch }), profile);
        assert.equal(back[thread]!.filter.length, filter.filter.length);
      });
    }
  }

  it('a dword eq compares the low 32 bits (seccompiler masks it); other dword ops the whole register', () => {
    const p = fromSeccompiler({ t: { default_action: { errno: 1 }, filter_action: 'allow', filter: [
      { syscall: 'ioctl', args: [{ index: 1, type: 'dword', op: 'eq', val: 21505 }] },
      { syscall: 'read', args: [{ index: 2, type: 'dword', op: 'ge', val: 4096 }] },
    ] } });
    assert.equal(p.rules[0]!.conditions![0]!.width, 32);
    assert.equal(p.rules[1]!.conditions![0]!.width, 64);
    const { bytes } = compileProgram(p, { nativeArch: 'x86_64' });
    assert.equal(emulate(bytes, { arch: 'x86_64', syscall: 'ioctl', args: [0n, 0xdead00005401n] }).action.kind, 'allow');
    assert.equal(emulate(bytes, { arch: 'x86_64', syscall: 'ioctl', args: [0n, 0x5402n] }).action.kind, 'errno');
  });

  it('refuses what seccompiler cannot say, with ProfileErrors naming the place', () => {
    assert.throws(() => fromSeccompiler({ a: {}, b: {} }), (e: unknown) => e instanceof ProfileError && /2 thread filters/.test(e.message));
    assert.throws(() => fromSeccompiler({ t: { default_action: 'boom', filter_action: 'allow', filter: [{ syscall: 'read', args: [{ index: 9, type: 'x', op: 'eq', val: -1 }] }] } }),
      (e: unknown) => e instanceof ProfileError && /t\.default_action/.test(e.message) && /args\[0\]\.index/.test(e.message) && /args\[0\]\.type/.test(e.message) && /args\[0\]\.val/.test(e.message));
    const mixed = validateProfile({ defaultAction: Action.errno(1), rules: [{ syscalls: ['read'], action: Action.allow }, { syscalls: ['write'], action: Action.log }] });
    assert.throws(() => toSeccompiler(mixed), (e: unknown) => e instanceof ProfileError && /rules\[1\]/.test(e.message));
  });
});

/** The parts of openAPIV3Schema a SeccompProfile uses: type, enum, required, properties, items, bounds, pattern. */
function checkSchema(schema: any, value: unknown, path: string, problems: string[]): void {
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} not in enum`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return void problems.push(`${path}: not an object`);
      for (const r of schema.required ?? []) if (!(r in value)) problems.push(`${path}.${r}: required`);
      for (const [k, v] of Object.entries(value)) {
        const sub = schema.properties?.[k];
        if (sub) checkSchema(sub, v, `${path}.${k}`, problems);
        else if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields']) problems.push(`${path}.${k}: unknown field`);
      }
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return void problems.push(`${path}: not an array`);
      if (schema.minItems !== undefined && value.length < schema.minItems) problems.push(`${path}: fewer than ${schema.minItems}`);
      if (schema.maxItems !== undefined && value.length > schema.maxItems) problems.push(`${path}: more than ${schema.maxItems}`);
      value.forEach((v, i) => checkSchema(schema.items, v, `${path}[${i}]`, problems));
      return;
    case 'integer':
      if (!(typeof value === 'bigint' || Number.isInteger(value))) problems.push(`${path}: not an integer`);
      else if (schema.minimum !== undefined && (value as number) < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
      return;
    case 'string':
      if (typeof value !== 'string') problems.push(`${path}: not a string`);
      else if (schema.pattern && !new RegExp(schema.pattern).test(value)) problems.push(`${path}: does not match ${schema.pattern}`);
      return;
  }
}

/** Reads back the YAML subset toYaml writes (block maps and lists, JSON scalars). */
function readYaml(text: string): unknown {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  let i = 0;
  const scalar = (s: string): unknown => (s === '[]' ? [] : s === '{}' ? {} : JSON.parse(s));
  function block(indent: number): unknown {
    if (lines[i]!.slice(indent).startsWith('- ')) {
      const list: unknown[] = [];
      while (i < lines.length && lines[i]!.startsWith(`${' '.repeat(indent)}- `)) {
        const rest = lines[i]!.slice(indent + 2);
        if (/^[A-Za-z_"][^:]*:( |$)/.test(rest)) {
          lines[i] = `${' '.repeat(indent + 2)}${rest}`;
          list.push(block(indent + 2));
        } else {
          list.push(scalar(rest));
          i++;
        }
      }
      return list;
    }
    const map: Record<string, unknown> = {};
    while (i < lines.length && lines[i]!.startsWith(' '.repeat(indent)) && !lines[i]!.slice(indent).startsWith(' ') && !lines[i]!.slice(indent).startsWith('- ')) {
      const m = /^("(?:[^"\\]|\\.)*"|[^:]+):(?: (.*))?$/.exec(lines[i]!.slice(indent))!;
      const key = m[1]!.startsWith('"') ? JSON.parse(m[1]!) : m[1]!;
      i++;
      if (m[2] !== undefined) map[key] = scalar(m[2]);
      else map[key] = block(lines[i]!.startsWith(`${' '.repeat(indent)}- `) ? indent : indent + 2);
    }
    return map;
  }
  return block(0);
}

describe('SPO SeccompProfile', () => {
  const schemas = fixture('spo-seccompprofile-crd-schema.json').versions;
  const examples = fixture('spo-examples-seccompprofile.json').documents;

  it('Docker\'s default profile as a resource validates against the CRD schema of v1beta1 and v1', () => {
    const docker = JSON.parse(readFileSync(new URL('../data/docker-default.json', import.meta.url), 'utf8'));
    const profile = resolveOci(docker, { arch: 'x86_64' }).profile;
    for (const [version, apiVersion] of [['v1beta1', 'security-profiles-operator.x-k8s.io/v1beta1'], ['v1', 'security-profiles-operator.x-k8s.io/v1']] as const) {
      const resource = toSpoResource(profile, { name: 'docker-default', namespace: 'apps', apiVersion });
      const problems: string[] = [];
      checkSchema(schemas[version], resource, '', problems);
      assert.deepEqual(problems, [], version);
      assert.equal(resource.apiVersion, apiVersion);
      assert.equal(resource.kind, 'SeccompProfile');
    }
  });

  it('reproduces the operator\'s own example (profile-complain-block-high-risk), and its YAML reads back', () => {
    const example = examples.find((d: any) => d.metadata.name === 'profile-complain-block-high-risk');
    const profile = fromOci({ ...example.spec }) as never;
    const resource = toSpoResource(resolveOci(profile, { arch: 'x86_64' }).profile, { name: example.metadata.name, apiVersion: 'security-profiles-operator.x-k8s.io/v1' });
    // Resolved for x86_64: the names x86_64 lacks (stime, umount, vm86, vm86old) are left out.
    const onX86_64 = new Set<string>(syscallNames('x86_64'));
    assert.deepEqual(
      (resource.spec as any).syscalls.map((s: any) => [s.action, [...s.names].sort()]),
      example.spec.syscalls.map((s: any) => [s.action, s.names.filter((n: string) => onX86_64.has(n)).sort()]),
    );
    assert.equal((resource.spec as any).defaultAction, example.spec.defaultAction);
    const yaml = toSpo(resolveOci(profile, { arch: 'x86_64' }).profile, { name: example.metadata.name });
    assert.match(yaml, /^apiVersion: "security-profiles-operator\.x-k8s\.io\/v1beta1"\nkind: "SeccompProfile"\nmetadata:\n  name: "profile-complain-block-high-risk"\nspec:\n  defaultAction: "SCMP_ACT_LOG"\n/);
    const back = readYaml(yaml) as any;
    assert.deepEqual(back.spec.syscalls, JSON.parse(JSON.stringify((resource.spec as any).syscalls)));
    const problems: string[] = [];
    checkSchema(schemas.v1beta1, back, '', problems);
    assert.deepEqual(problems, []);
  });

  it('refuses what the CRD cannot hold: a default errno other than EPERM, a bad name', () => {
    const p = validateProfile({ defaultAction: Action.errno('EACCES'), rules: [{ syscalls: ['read'], action: Action.allow }] });
    assert.throws(() => toSpoResource(p), (e: unknown) => e instanceof ProfileError && /no defaultErrnoRet/.test(e.message));
    const ok = validateProfile({ defaultAction: Action.errno('EPERM'), rules: [{ syscalls: ['read'], action: Action.allow }] });
    assert.throws(() => toSpoResource(ok, { name: 'Not_A_Name' }), RangeError);
  });
});

describe('systemd drop-in', () => {
  it('the groups written by name hold exactly systemd\'s members', () => {
    const systemd = fixture('systemd-groups.json').groups;
    for (const group of SYSTEMD_SAME_GROUPS) {
      const ours = new Set<string>();
      for (const arch of ['x86_64', 'x86', 'aarch64', 'arm', 's390x', 'ppc64le', 'riscv64'] as const) for (const n of expandGroup(group, arch)) ours.add(n);
      const theirs = systemd[group] as string[];
      assert.ok(theirs, `${group} is in systemd's list`);
      // Names no table knows (systemd lists a few calls libseccomp lacks) cannot be members here.
      assert.deepEqual([...ours].sort(), theirs.filter((n) => isSyscallName(n)).sort(), group);
    }
  });

  it('an allow-list: names, whole groups folded, the errno', () => {
    const p = validateProfile({
      defaultAction: Action.errno('EPERM'),
      arches: ['x86_64'],
      rules: [{ syscalls: ['read', 'write', 'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'], action: Action.allow }],
    });
    assert.equal(toSystemd(p), '[Service]\nSystemCallFilter=@memlock read write\nSystemCallErrorNumber=EPERM\nSystemCallArchitectures=x86-64\n');
  });

  it('a deny-list with ~, and refusals for what systemd cannot say', () => {
    const deny = validateProfile({ defaultAction: Action.allow, rules: [{ syscalls: ['ptrace', 'mount'], action: Action.errno('EACCES') }] });
    assert.equal(toSystemd(deny), '[Service]\nSystemCallFilter=~mount ptrace\nSystemCallErrorNumber=EACCES\n');
    const cond = profileFromJSON({ defaultAction: 'errno(EPERM)', rules: [{ syscalls: ['socket'], action: 'allow', conditions: [{ arg: 0, op: 'eq', value: 1 }] }] });
    assert.throws(() => toSystemd(cond), (e: unknown) => e instanceof ProfileError && /rules\[0\]: systemd's SystemCallFilter= cannot look at arguments/.test(e.message));
  });
});

describe('merging recordings', () => {
  it('the union of what each allowed; conditional rules kept; default action must agree', () => {
    const a = validateProfile({ defaultAction: Action.errno(1), arches: ['x86_64'], rules: [{ syscalls: ['read', 'write'], action: Action.allow }] });
    const b = profileFromJSON({ defaultAction: 'errno(1)', arches: ['aarch64'], rules: [
      { syscalls: ['write', 'openat'], action: 'allow' },
      { syscalls: ['socket'], action: 'allow', conditions: [{ arg: 0, op: 'eq', value: 1 }] },
    ] });
    const m = mergeProfiles(a, b);
    assert.deepEqual(m.arches, ['x86_64', 'aarch64']);
    assert.deepEqual(m.rules[0]!.syscalls, ['openat', 'read', 'write']);
    assert.deepEqual(m.rules[1]!.syscalls, ['socket']);
    assert.equal(m.rules[1]!.conditions!.length, 1);
    assert.deepEqual(mergeProfiles(m, a), m, 'merging again changes nothing');
    const other = validateProfile({ defaultAction: Action.killProcess, rules: [] });
    assert.throws(() => mergeProfiles(a, other), ProfileError);
  });
});
