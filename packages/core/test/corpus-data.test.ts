// The corpus's case expansion (testing/corpus-data.ts) against the counts its README states.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CORPUS, caseCount, expandArchTokens, forEachSim, ruleValue } from '../testing/corpus-data.js';

const total = (native: string) => CORPUS.reduce((n, e) => n + e.cases.reduce((m, c) => m + caseCount(c, native), 0), 0);
const idleLines = (native: string) => CORPUS.flatMap((e) => e.cases).filter((c) => expandArchTokens(c.arch, native).length === 0).length;

describe('corpus expansion', () => {
  it('has 43 entries and 521 case lines', () => {
    assert.equal(CORPUS.length, 43);
    assert.equal(CORPUS.reduce((n, e) => n + e.cases.length, 0), 521);
  });

  it('expands to 7808 simulated syscalls with x86_64 native, as libseccomp\'s harness runs', () => {
    assert.equal(total('x86_64'), 7808);
  });

  it('skips 35 lines with x86_64 native and 68 with x86', () => {
    assert.equal(idleLines('x86_64'), 35);
    assert.equal(idleLines('x86'), 68);
  });

  it('counts exactly what it visits', () => {
    for (const e of CORPUS) {
      for (const c of e.cases) {
        let n = 0;
        forEachSim(c, 'x86_64', () => void n++);
        assert.equal(n, caseCount(c, 'x86_64'), `${e.id} ${JSON.stringify(c)}`);
      }
    }
  });

  it('expands arch tokens as tests/regression does', () => {
    assert.deepEqual(expandArchTokens(['all', '-x32'], 'x86_64'), ['x86_64']);
    assert.deepEqual(expandArchTokens(['x86'], 'x86_64'), []);
    assert.deepEqual(expandArchTokens(['all_64'], 'ppc64le'), [], 'the harness\'s 64-bit list leaves ppc64le out');
    assert.deepEqual(expandArchTokens(['all_32'], 'x86'), ['x86']);
    assert.deepEqual(expandArchTokens(['+x86', '+ppc'], 'aarch64'), ['x86', 'ppc']);
    assert.equal(expandArchTokens(['+all_be'], 'x86_64').length, 11);
    assert.deepEqual(expandArchTokens(['+all_le', '-x32', '-sh'], 'x86_64').includes('x32'), false);
  });

  it('reads SSIZE_MAX for the native word size', () => {
    assert.equal(ruleValue('SSIZE_MAX', 'x86_64'), 0x7fffffffffffffffn);
    assert.equal(ruleValue('SSIZE_MAX', 'arm'), 0x7fffffffn);
    assert.equal(ruleValue('0x10', 'arm'), 16n);
  });
});
