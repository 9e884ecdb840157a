import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Action } from '../src/actions.js';
import { arg } from '../src/compare.js';
import { findRuleConflicts, type Profile, type Rule } from '../src/profile/index.js';

const profile = (...rules: Rule[]): Profile => ({ defaultAction: Action.killProcess, rules });

describe('findRuleConflicts', () => {
  it('two unconditional rules with different actions: the first is kept', () => {
    const conflicts = findRuleConflicts(profile(
      { syscalls: ['read', 'write'], action: Action.allow },
      { syscalls: ['getpid'], action: Action.allow },
      { syscalls: ['write'], action: Action.errno('EPERM') },
    ));
    assert.equal(conflicts.length, 1);
    const [c] = conflicts;
    assert.equal(c?.kind, 'duplicate');
    assert.equal(c?.syscall, 'write');
    assert.deepEqual(c?.kept, { index: 0, action: Action.allow, conditional: false });
    assert.deepEqual(c?.dropped, { index: 2, action: Action.errno('EPERM'), conditional: false });
    assert.equal(c?.message, '"write": rules[0] (allow, no conditions) and rules[2] (errno(EPERM), no conditions) disagree; libseccomp keeps the first and silently drops rules[2]');
  });

  it('the same action twice is no conflict', () => {
    assert.deepEqual(findRuleConflicts(profile({ syscalls: ['read'], action: Action.allow }, { syscalls: ['read'], action: Action.allow })), []);
  });

  it('an unconditional rule swallows conditional ones, before or after it', () => {
    const conflicts = findRuleConflicts(profile(
      { syscalls: ['socket'], action: Action.errno('EACCES'), conditions: [arg(0).eq(40)] },
      { syscalls: ['socket'], action: Action.allow },
      { syscalls: ['socket'], action: Action.trap, conditions: [arg(0).eq(16)] },
      { syscalls: ['socket'], action: Action.allow, conditions: [arg(0).eq(1)] },
    ));
    assert.deepEqual(conflicts.map((c) => [c.kind, c.kept.index, c.dropped.index]), [['swallowed', 1, 0], ['swallowed', 1, 2]]);
    assert.equal(conflicts[0]?.message, '"socket": rules[1] (allow, no conditions) swallows the conditional rules[0] (errno(EACCES)); libseccomp applies allow whatever the arguments');
    assert.ok(conflicts[1]?.dropped.conditional);
  });

  it('conditional rules alone never conflict', () => {
    assert.deepEqual(findRuleConflicts(profile(
      { syscalls: ['socket'], action: Action.allow, conditions: [arg(0).eq(1)] },
      { syscalls: ['socket'], action: Action.errno(1), conditions: [arg(0).eq(2)] },
    )), []);
  });

  it('counts a syscall named twice in one rule once, and keeps numbers apart from names', () => {
    assert.deepEqual(findRuleConflicts(profile({ syscalls: ['read', 'read', 0], action: Action.allow }, { syscalls: [0], action: Action.allow })), []);
    const [c] = findRuleConflicts(profile({ syscalls: [0], action: Action.allow }, { syscalls: [0], action: Action.trap }));
    assert.match(c?.message ?? '', /^syscall 0: rules\[0\]/);
  });

  it('reports every pair against the rule that wins', () => {
    const conflicts = findRuleConflicts(profile(
      { syscalls: ['read'], action: Action.allow },
      { syscalls: ['read'], action: Action.trap },
      { syscalls: ['read'], action: Action.log },
    ));
    assert.deepEqual(conflicts.map((c) => [c.kept.index, c.dropped.index]), [[0, 1], [0, 2]]);
  });
});
