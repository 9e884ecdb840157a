import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Action } from '../src/actions.js';
import { arg, type Condition } from '../src/compare.js';
import { ERRNO } from '../src/errno.js';
import { generate } from '../scripts/gen/docker.js';
import {
  DOCKER_DEFAULT_PROFILE, findRuleConflicts, fromOci, resolveOci, toOci, type Profile, type ResolveOciOptions,
} from '../src/profile/index.js';

const CORE = new URL('..', import.meta.url);
const json: unknown = JSON.parse(readFileSync(new URL('data/docker-default.json', CORE), 'utf8'));

/** The rules of `profile` that name `syscall`, as [action, conditions] pairs. */
function rulesFor(profile: Profile, syscall: string): [Action, readonly Condition[]][] {
  return profile.rules.filter((r) => r.syscalls.includes(syscall)).map((r) => [r.action, r.conditions ?? []]);
}

const resolve = (options: ResolveOciOptions) => resolveOci(json, options);
const ALLOW: [Action, readonly Condition[]] = [Action.allow, []];

describe("Docker's default profile as OCI data", () => {
  it('fromOci keeps every field: toOci(fromOci(json)) deep-equals the file', () => {
    const parsed = fromOci(json);
    assert.deepEqual(toOci(parsed), json);
    assert.ok(Object.isFrozen(parsed) && Object.isFrozen(parsed.syscalls?.[0]?.names));
    assert.equal(fromOci(parsed), parsed, 'a checked profile is not copied again');
  });

  it('DOCKER_DEFAULT_PROFILE is the file, and the generated module is up to date', () => {
    assert.deepEqual(DOCKER_DEFAULT_PROFILE, json);
    assert.ok(Object.isFrozen(DOCKER_DEFAULT_PROFILE.archMap?.[0]));
    const [file] = generate();
    assert.equal(file?.path, 'src/profile/docker-default.generated.ts');
    assert.equal(file?.content, readFileSync(new URL(file.path, CORE), 'utf8'), 'run `pnpm gen`');
    assert.match(file?.content ?? '', /moby\/profiles v0\.2\.3/);
    assert.deepEqual(resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'aarch64' }), resolveOci(json, { arch: 'aarch64' }));
  });
});

describe("resolveOci: Docker's default profile", () => {
  it('x86_64 without capabilities', () => {
    const { profile: p, warnings } = resolve({ arch: 'x86_64' });
    assert.deepEqual(p.arches, ['x86_64', 'x86', 'x32']);
    assert.deepEqual(p.defaultAction, Action.errno(ERRNO.EPERM));
    assert.equal(p.attributes, undefined);
    assert.equal(p.rules.length, 14);
    assert.deepEqual(rulesFor(p, 'read'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'arch_prctl'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'modify_ldt'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'mount'), [], 'needs CAP_SYS_ADMIN');
    assert.deepEqual(rulesFor(p, 'reboot'), [], 'needs CAP_SYS_BOOT');
    assert.deepEqual(rulesFor(p, 'ptrace'), [ALLOW], 'minKernel 4.8: a current kernel is assumed');
    assert.deepEqual(rulesFor(p, 'personality'), [0, 8, 0x20000, 0x20008, 0xffffffff].map((v) => [Action.allow, [arg(0).eq(v)]]));
    assert.deepEqual(rulesFor(p, 'socket'), [[Action.allow, [arg(0).lt(38)]], [Action.allow, [arg(0).eq(39)]], [Action.allow, [arg(0).gt(40)]]]);
    // No namespace flags in clone's first argument (value is the mask, valueTwo the datum 0).
    assert.deepEqual(rulesFor(p, 'clone'), [[Action.allow, [arg(0).maskedEq(0x7e020000, 0)]]]);
    assert.deepEqual(rulesFor(p, 'clone3'), [[Action.errno(ERRNO.ENOSYS), []]]);
    assert.deepEqual(rulesFor(p, 'set_tls'), [], 'arm only');
    assert.deepEqual(warnings, ['syscalls[0].names[233]: syscall "riscv_hwprobe" does not exist on x86_64, x86, x32 (only on riscv64); left out']);
    assert.deepEqual(findRuleConflicts(p), []);
  });

  it('x86_64 with CAP_SYS_ADMIN', () => {
    const { profile: p } = resolve({ arch: 'x86_64', capabilities: ['CAP_SYS_ADMIN'] });
    assert.equal(p.rules.length, 13);
    for (const name of ['mount', 'umount2', 'unshare', 'setns', 'bpf', 'clone', 'clone3']) assert.deepEqual(rulesFor(p, name), [ALLOW], name);
    assert.deepEqual(rulesFor(p, 'reboot'), []);
    assert.deepEqual(findRuleConflicts(p), []);
  });

  it('capability names as Docker takes them, several at once', () => {
    const { profile: p } = resolve({ arch: 'x86_64', capabilities: ['sys_boot', 'SYS_PTRACE', 'CAP_SYS_TIME'] });
    assert.deepEqual(rulesFor(p, 'reboot'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'kcmp'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'settimeofday'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'ptrace'), [ALLOW, ALLOW], 'two groups allow it; same action, no conflict');
    assert.deepEqual(findRuleConflicts(p), []);
  });

  it('minKernel against a given kernel version', () => {
    assert.deepEqual(rulesFor(resolve({ arch: 'x86_64', kernelVersion: '4.4.0-210-generic' }).profile, 'ptrace'), []);
    assert.deepEqual(rulesFor(resolve({ arch: 'x86_64', kernelVersion: '4.8' }).profile, 'ptrace'), [ALLOW]);
    assert.deepEqual(rulesFor(resolve({ arch: 'x86_64', kernelVersion: '6.1.0' }).profile, 'process_vm_readv'), [ALLOW]);
  });

  it('aarch64', () => {
    const { profile: p, warnings } = resolve({ arch: 'aarch64' });
    assert.deepEqual(p.arches, ['aarch64', 'arm']);
    assert.equal(p.rules.length, 13);
    assert.deepEqual(rulesFor(p, 'set_tls'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'arm_fadvise64_64'), [ALLOW]);
    assert.deepEqual(rulesFor(p, 'arch_prctl'), []);
    assert.deepEqual(rulesFor(p, 'open'), [ALLOW], 'arm has open');
    assert.deepEqual(rulesFor(p, 'clone'), [[Action.allow, [arg(0).maskedEq(0x7e020000, 0)]]]);
    assert.ok(warnings.some((w) => w.startsWith('syscalls[0].names[4]: syscall "alarm" does not exist on aarch64, arm')), warnings.join('\n'));
    assert.ok(warnings.every((w) => w.endsWith('left out')));
  });

  it("s390x: clone's flags are its second argument", () => {
    const { profile: p } = resolve({ arch: 's390x' });
    assert.deepEqual(p.arches, ['s390x', 's390']);
    assert.deepEqual(rulesFor(p, 'clone'), [[Action.allow, [arg(1).maskedEq(0x7e020000, 0)]]]);
    assert.deepEqual(rulesFor(p, 's390_runtime_instr'), [ALLOW]);
  });

  it('an arch without an archMap entry covers itself only', () => {
    assert.deepEqual(resolve({ arch: 'ppc64le' }).profile.arches, ['ppc64le']);
    assert.deepEqual(rulesFor(resolve({ arch: 'ppc64le' }).profile, 'swapcontext'), [ALLOW]);
  });

  it('refuses bad options with TypeError/RangeError', () => {
    assert.throws(() => resolve({ arch: 'amd64' as never }), RangeError);
    assert.throws(() => resolve({ arch: 'x86_64', kernelVersion: 'latest' }), RangeError);
    assert.throws(() => resolve({ arch: 'x86_64', capabilities: 'CAP_SYS_ADMIN' as never }), TypeError);
  });
});
