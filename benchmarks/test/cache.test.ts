// The kernel-cache rule (groups/cache.ts) on hand-made programs and on Docker's default:
// whatever it calls cacheable must be allowed whatever the arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sdk } from '../src/node-sdk.js';
import { isConstAllow } from '../src/groups/cache.js';
import { buildProfile } from '../src/scenarios/profiles.js';

const { BPF_ABS, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W } = sdk;
const X86_64 = sdk.archInfo('x86_64').auditArch;
const ld = (k: number) => ({ code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k });
const jeq = (k: number, jt: number, jf: number) => ({ code: BPF_JMP | BPF_JEQ | BPF_K, jt, jf, k });
const ret = (k: number) => ({ code: BPF_RET | BPF_K, jt: 0, jf: 0, k });
const ALLOW = 0x7fff0000;
const EPERM = 0x00050001;

// arch check; read (0) allowed outright; getppid (110) allowed only when args[0] low == 0.
const program = [
  ld(4), jeq(X86_64, 1, 0), ret(0x80000000),
  ld(0), jeq(0, 0, 1), ret(ALLOW),
  jeq(110, 0, 3), ld(16), jeq(0, 0, 1), ret(ALLOW),
  ret(EPERM),
];

test('a syscall allowed by its number alone is cacheable', () => {
  assert.equal(isConstAllow(program, 0, X86_64), true);
});

test('a syscall whose verdict reads an argument is not', () => {
  assert.equal(isConstAllow(program, 110, X86_64), false);
});

test('a denied syscall and another arch are not', () => {
  assert.equal(isConstAllow(program, 1, X86_64), false);
  assert.equal(isConstAllow(program, 0, sdk.archInfo('x86').auditArch), false);
});

test("every syscall cacheable in Docker's default is allowed by the emulator whatever its arguments", () => {
  const bpf = sdk.seccomp.compile(buildProfile(sdk, 'docker'));
  const decoded = sdk.decodeBpf(bpf);
  const prepared = sdk.prepare(decoded, 'little');
  let cacheable = 0;
  for (const name of sdk.syscallNames('x86_64')) {
    const nr = sdk.resolveSyscall(name, 'x86_64');
    if (!isConstAllow(decoded, nr, X86_64)) continue;
    cacheable++;
    for (const args of [[0n], [1n, 2n, 3n], [0xffff_ffffn, 1n << 40n], [0x7e02_0000n]]) {
      assert.equal(sdk.emulate(prepared, { arch: 'x86_64', syscall: nr, args }).action.kind, 'allow', name);
    }
  }
  assert.ok(cacheable > 250, `only ${cacheable} cacheable`);
});
