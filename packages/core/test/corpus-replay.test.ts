// The corpus harness's replay of libseccomp's API steps (corpus-replay.ts): what each entry
// that uses steps leaves in the filter, and the cases where libseccomp's shadow snapshot
// would make a reject restore something else, which the replay must refuse, not guess.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CorpusFilter, CorpusRule, CorpusStep } from '../testing/corpus-data.js';
import { CORPUS } from '../testing/corpus-data.js';
import { groupDbs, NotReplayed, replayFilter, type Collection, type ReplayContext } from './corpus-replay.js';

const ctx: ReplayContext = { native: 'x86_64', refusal: () => 'refused' };
const entry = (id: string) => CORPUS.find((e) => e.id === id)!.filter;
const rule = (syscall: string | number): CorpusRule => ({ action: 'KILL', syscall, args: [], exact: false });
const add = (syscall: string | number): CorpusStep => ({ op: 'addRule', ...rule(syscall) });
const op = (name: 'transactionStart' | 'transactionCommit' | 'transactionReject'): CorpusStep => ({ op: name });
const filter = (steps: CorpusStep[], arches = ['x86_64']): CorpusFilter => ({ defaultAction: 'ALLOW', arches, attributes: {}, steps });

/** Each arch → the syscalls of its rules, in order. */
function rulesByArch(c: Collection): Record<string, (string | number)[]> {
  return Object.fromEntries(c.dbs.map((db) => [db.arch, db.rules.map((r) => r.syscall)]));
}

describe('corpus replay: the entries with steps', () => {
  it('14: reset drops the rules and keeps the default action', () => {
    const c = replayFilter(entry('14-sim-reset'), ctx);
    assert.deepEqual(rulesByArch(c), { x86_64: ['write'] });
    assert.equal(c.defaultAction, 'KILL');
  });

  it('17: merge appends the other filter\'s arches with their own rules', () => {
    const c = replayFilter(entry('17-sim-arch_merge'), ctx);
    assert.deepEqual(rulesByArch(c), { x86_64: ['socket', 'connect', 'shutdown'], x86: ['read', 'write', 'write', 'close'] });
    assert.deepEqual(groupDbs(c.dbs).map((g) => g.map((db) => db.arch)), [['x86_64'], ['x86']]);
  });

  it('09 and 10: priorities set before or after the rules land on the same syscalls', () => {
    for (const id of ['09-sim-syscall_priority_pre', '10-sim-syscall_priority_post']) {
      const [db] = replayFilter(entry(id), ctx).dbs;
      assert.deepEqual([...db!.priorities], [[1000, 3], [1001, 2], [1002, 1]], id);
      assert.deepEqual(db!.rules.map((r) => r.syscall), [1000, 1001, 1002], id);
    }
  });

  it('60: precompute changes nothing', () => {
    assert.deepEqual(rulesByArch(replayFilter(entry('60-sim-precompute'), ctx)), { x86_64: [1000, 1001] });
  });

  it('61: nested transactions keep what was committed and drop what was rejected', () => {
    const c = replayFilter(entry('61-sim-transactions'), ctx);
    assert.deepEqual(rulesByArch(c), { x86_64: [1000, 1001, 1101, 1102, 1103, 1104, 1106, 1107, 1108, 1109, 1002, 1003] });
  });

  it('62: arch changes inside committed transactions stay', () => {
    assert.deepEqual(rulesByArch(replayFilter(entry('62-sim-arch_transactions'), ctx)), { x86_64: ['read', 'write', 'open'] });
  });
});

describe('corpus replay: transactions and arches', () => {
  it('an arch added after a rule starts empty; the next rule goes to both', () => {
    const c = replayFilter(filter([add('read'), { op: 'addArch', arch: 'x86' }, add('write')]), ctx);
    assert.deepEqual(rulesByArch(c), { x86_64: ['read', 'write'], x86: ['write'] });
    assert.equal(groupDbs(c.dbs).length, 2);
  });

  it('a reject rolls back an arch added since its start, and the rules', () => {
    const steps = [op('transactionStart'), { op: 'addArch', arch: 'x86' } as CorpusStep, add('read'), op('transactionReject')];
    assert.deepEqual(rulesByArch(replayFilter(filter(steps), ctx)), { x86_64: [] });
  });

  it('a reject inside a committed outer transaction undoes only the inner one', () => {
    const steps = [op('transactionStart'), add('read'), op('transactionStart'), add('write'), op('transactionReject'), op('transactionCommit')];
    assert.deepEqual(rulesByArch(replayFilter(filter(steps), ctx)), { x86_64: ['read'] });
  });

  it('a reject of a start libseccomp takes from an out-of-date shadow is refused, not guessed', () => {
    // After a rule add libseccomp keeps a shadow copy; the arch add leaves it without x86.
    const steps = [add('read'), { op: 'addArch', arch: 'x86' } as CorpusStep, op('transactionStart'), op('transactionReject')];
    assert.throws(() => replayFilter(filter(steps), ctx), NotReplayed);
    // The same without the rule add: no shadow, the plain stack is libseccomp's answer.
    const clean = [{ op: 'addArch', arch: 'x86' } as CorpusStep, op('transactionStart'), add('read'), op('transactionReject')];
    assert.deepEqual(rulesByArch(replayFilter(filter(clean), ctx)), { x86_64: [], x86: [] });
  });

  it('a rule the corpus expects refused leaves the filter as it was; accepted, the entry is not replayed', () => {
    const refused: CorpusStep = { op: 'addRule', ...rule('tuxcall'), exact: true, expectError: true };
    assert.deepEqual(rulesByArch(replayFilter(filter([refused, add('read')]), ctx)), { x86_64: ['read'] });
    assert.throws(() => replayFilter(filter([refused]), { ...ctx, refusal: () => undefined }), NotReplayed);
  });

  it('merge refuses what libseccomp refuses: an arch in both, another default action, another byte order', () => {
    const other = (arches: string[], defaultAction: CorpusFilter['defaultAction'] = 'ALLOW'): CorpusStep => ({ op: 'merge', filter: { defaultAction, arches, attributes: {} } });
    assert.throws(() => replayFilter(filter([other(['x86_64'])]), ctx), /EEXIST/);
    assert.throws(() => replayFilter(filter([other(['x86'], 'KILL')]), ctx), /EINVAL/);
    assert.throws(() => replayFilter(filter([other(['s390x'])]), ctx), /EDOM/);
  });
});
