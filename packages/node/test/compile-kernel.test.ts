// The kernel runs a program from the TypeScript compiler (in a child process): its errno for
// each probe is what the emulator predicts from the same bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Action, arg, arg32, emulate, nativeArch, profileToJSON, type Profile } from '../src/index.js';
import { compileProfileBpf } from '../../core/src/compile/index.js';

const CHILD = fileURLToPath(new URL('./compile-kernel.child.ts', import.meta.url));

// Syscalls Node does not make on its own once the filter is in, so only the probes meet the rules.
const PROFILE: Profile = {
  defaultAction: Action.allow,
  rules: [
    { syscalls: ['getpgid'], action: Action.errno(11), conditions: [arg(0).eq(0x100000005n)] },
    { syscalls: ['getsid'], action: Action.errno(12), conditions: [arg32(0).eq(-100)] },
    { syscalls: ['getpriority'], action: Action.errno(13), conditions: [arg(0).gt(0x100000000n), arg(1).maskedEq(0xf0, 0x30)] },
    { syscalls: ['sched_getscheduler'], action: Action.errno(14) },
  ],
};

const PROBES = [
  ['getpgid', 0x100000005n], ['getpgid', 5n], ['getpgid', 0x200000005n],
  ['getsid', 0xffffffffffffff9cn], ['getsid', 0x12345678ffffff9cn], ['getsid', 1n],
  ['getpriority', 0x100000001n, 0x31n], ['getpriority', 0x100000000n, 0x31n], ['getpriority', 0x100000001n, 0x41n],
  ['sched_getscheduler', 0n],
] as const;

test('the kernel gives the verdicts the emulator predicts for a compiled program', { skip: process.platform !== 'linux' ? 'Linux only' : false }, () => {
  const program = compileProfileBpf(PROFILE);
  const probes = PROBES.map(([syscall, ...args]) => ({ syscall, args: args.map((a) => `0x${a.toString(16)}`) }));
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(profileToJSON(PROFILE)), JSON.stringify(probes)], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { syscall: string; args: string[]; errno: number });
  assert.equal(lines.length, PROBES.length);
  let denied = 0;
  for (const line of lines) {
    const predicted = emulate(program.bytes, { arch: nativeArch(), syscall: line.syscall, args: line.args.map((a) => BigInt(a)) }).action;
    if (predicted.kind === 'errno') {
      denied++;
      assert.equal(line.errno, predicted.errno, JSON.stringify(line));
    } else {
      assert.ok(![11, 12, 13, 14].includes(line.errno), `${JSON.stringify(line)}: allowed by the program, but failed with a rule's errno`);
    }
  }
  console.log(`kernel: ${lines.length} probes, ${denied} denied by rules, all as the emulator predicts`);
  assert.equal(denied, 5);
});
