// Overlapping rules with different actions: the compiler copies libseccomp 2.5.4's merge of
// them (compile/merge.ts, compile/db/). The verdicts below were read from libseccomp's own
// program; packages/node/test/compile-overlap.test.ts compares the two call by call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Action, arg, arg32, type Profile, type Rule } from '../src/index.js';
import { emulate } from '../src/bpf/index.js';
import { compileProfileBpf } from '../src/compile/index.js';
import { refusal } from './compile-refusal.js';

const X86_64 = { nativeArch: 'x86_64' } as const;

function verdict(bpf: Uint8Array, args: bigint[]): string {
  const a = emulate(bpf, { arch: 'x86_64', syscall: 'read', args }).action;
  return a.kind === 'errno' ? `errno(${a.errno})` : a.kind;
}


const read = (action: Rule['action'], ...conditions: NonNullable<Rule['conditions']>): Rule => ({ syscalls: ['read'], action, conditions });

test('overlapping rules get libseccomp\'s verdicts, its stale compares included', () => {
  const profile: Profile = {
    defaultAction: Action.allow,
    arches: ['x86_64'],
    rules: [read(Action.errno(1), arg(0).ge(5)), read(Action.errno(2), arg(0).eq(7)), read(Action.errno(3), arg(0).lt(0x100000003n), arg(1).ne(3))],
  };
  const { bytes } = compileProfileBpf(profile, X86_64);
  // libseccomp tests `eq 7` first (equality before orderings), then `lt`, then `ge`.
  assert.equal(verdict(bytes, [7n, 0n]), 'errno(2)');
  assert.equal(verdict(bytes, [4n, 0n]), 'errno(3)');
  assert.equal(verdict(bytes, [0x100000002n, 0n]), 'errno(3)');
  assert.equal(verdict(bytes, [0x200000000n, 0n]), 'errno(1)');
  assert.equal(verdict(bytes, [8n, 3n]), 'errno(1)');
  // After `arg1 != 3` fails, libseccomp's `ge 5` compares arg1's low word, still in the
  // accumulator, with arg0's high word: 3 > 0, so errno(1), though arg0 is below 5.
  assert.equal(verdict(bytes, [0n, 3n]), 'errno(1)');
  assert.equal(verdict(bytes, [4n, 3n]), 'errno(1)');
});

test('where libseccomp refuses, loops or never loads the syscall number, the compiler refuses with that reason', () => {
  // Equal chains, different actions: libseccomp's EEXIST.
  const eexist = refusal(() => compileProfileBpf({ defaultAction: Action.allow, rules: [read(Action.errno(1), arg(0).eq(5)), read(Action.trap, arg(0).eq(5))] }, X86_64));
  assert.deepEqual([eexist.reason, eexist.feature, eexist.rules], ['overlap', 'eexist', [0, 1]]);
  // The shape packages/node/test/libseccomp-loop.test.ts shows libseccomp never finishing,
  // with rules that overlap (arg1 == 0 meets both).
  const loops = refusal(() => compileProfileBpf({
    defaultAction: Action.errno('ENOSYS'),
    arches: ['x86_64'],
    rules: [read(Action.errno('EPERM'), arg(0).lt(3), arg(1).le(0)), read(Action.log, arg(0).lt(3), arg(1).eq(0))],
  }, X86_64));
  assert.deepEqual([loops.reason, loops.feature], ['overlap', 'libseccompLoops']);
  // set_tls is not a mips64n32 syscall: its rule, without conditions, heads libseccomp's list
  // there as a pseudo number and is left out, so no block loads nr.
  const dup3 = (action: Rule['action'], ...conditions: NonNullable<Rule['conditions']>): Rule => ({ syscalls: ['dup3'], action, conditions });
  const noNr = refusal(() => compileProfileBpf({
    defaultAction: Action.trace(1),
    arches: ['mips64n32'],
    rules: [
      { syscalls: ['set_tls'], action: Action.errno(38) },
      dup3(Action.allow, arg(4).lt(0xfffffffe), arg(3).eq(0xffffffff)),
      dup3(Action.trap, arg(4).lt(0xfffffffe), arg32(3).eq(0xffffffff)),
    ],
  }, X86_64));
  assert.deepEqual([noNr.reason, noNr.feature, noNr.arch], ['overlap', 'noNrLoad', 'mips64n32']);
});

test('the merge is bounded: thousands of overlapping rules are refused, not waited for', () => {
  const rules: Rule[] = [read(Action.trap, arg(0).ge(0))];
  for (let i = 0; i < 3000; i++) rules.push(read(i % 2 ? Action.errno(1) : Action.allow, arg(1).lt(BigInt(i * 3 + 1)), arg(0).ne(BigInt(i))));
  const started = Date.now();
  const err = refusal(() => compileProfileBpf({ defaultAction: Action.log, arches: ['arm'], rules }, X86_64));
  assert.deepEqual([err.reason, err.feature], ['overlap', 'tooComplex']);
  // A budget of steps, not of time: generous bound for a shared machine.
  assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
});
