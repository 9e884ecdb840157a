// libseccomp's regression corpus through the TypeScript compiler and the emulator: every entry
// built from its rules or its API steps (reset, merge, priorities, transactions, arch
// changes, precompute: compile-corpus-entry.ts), every expanded verdict counted. Entries the
// compiler does not cover yet are listed below with the feature they need: none is skipped
// silently, and the totals say how many of the corpus's verdicts were judged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionsEqual, formatAction } from '../src/index.js';
import { kernelAction, prepare, runPrepared } from '../src/bpf/index.js';
import { caseCount, CORPUS, corpusArch, forEachSim, type CorpusEntry } from '../testing/corpus-data.js';
import { entryProgram, NATIVE, toAction, type EntryProgram } from './compile-corpus-entry.js';

/** Entry → the feature it needs that the compiler lacks (each entry's reason, as data). */
const OUT_OF_SCOPE: Readonly<Record<string, string>> = {};

/** The expanded verdicts libseccomp's own harness runs with x86_64 native (conformance/README.md). */
const CORPUS_VERDICTS = 7808;

/** Runs every expanded case of `e` on `compiled`; returns how many, and notes the first failures. */
function judge(e: CorpusEntry, compiled: EntryProgram, failures: string[]): number {
  let n = 0;
  for (const c of e.cases) {
    const expected = toAction(c.expect);
    forEachSim(c, NATIVE, (sim) => {
      const a = corpusArch(sim.arch);
      const got = kernelAction(runPrepared(prepare(compiled.bytes, a.endian), sim.nr, a.auditArch, sim.args));
      n++;
      if (!actionsEqual(got, expected) && failures.length < 10) {
        failures.push(`${e.id} ${sim.arch} nr=0x${sim.nr.toString(16)} args=${sim.args.map((v) => v.toString(16)).join(',')}: expected ${formatAction(expected)}, got ${formatAction(got)}`);
      }
    });
  }
  return n;
}

test("libseccomp's corpus: every supported entry's verdicts through the compiler match", () => {
  const outOfScope: Record<string, string> = {};
  const judged: Record<string, string> = {};
  const refused: string[] = [];
  const failures: string[] = [];
  let total = 0;
  let verdicts = 0;
  let chained = 0;
  for (const e of CORPUS) {
    const expanded = e.cases.reduce((n, c) => n + caseCount(c, NATIVE), 0);
    total += expanded;
    const compiled = entryProgram(e);
    if (typeof compiled === 'string') {
      outOfScope[e.id] = compiled;
      judged[e.id] = `0/${expanded} (${compiled})`;
      continue;
    }
    refused.push(...compiled.refusals);
    if (compiled.profiles > 1) chained++;
    const n = judge(e, compiled, failures);
    assert.equal(n, expanded, `${e.id}: every expanded case ran`);
    verdicts += n;
    judged[e.id] = `${n}/${expanded}`;
  }
  const supported = CORPUS.length - Object.keys(outOfScope).length;
  console.log(`rules refused as the corpus expects: ${refused.join('; ')}`);
  console.log('verdicts judged through the compiler, per entry:', judged);
  console.log(`corpus: ${verdicts}/${total} verdicts judged through the compiler; ${supported} of ${CORPUS.length} entries compiled (${chained} chained from per-arch profiles); out of scope: ${Object.keys(outOfScope).length}`, outOfScope);
  assert.deepEqual(failures, []);
  assert.deepEqual(outOfScope, OUT_OF_SCOPE);
  assert.equal(total, CORPUS_VERDICTS);
  assert.equal(supported, 43);
  assert.equal(chained, 1, 'entry 17 merges two filters with different rules');
  assert.equal(refused.length, 2);
});
