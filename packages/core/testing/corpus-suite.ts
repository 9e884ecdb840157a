/**
 * The libseccomp corpus tests of the conformance suite. The corpus runs in a child (it
 * needs libseccomp, never loads); the kernel check starts one more child per sampled entry,
 * which loads that entry's probe program (probe.ts) and reports what the kernel answered.
 */
import assert from 'node:assert/strict';
import type { ChildOutcome, RunOptions } from './harness.js';
import type { CorpusSummary } from './corpus.js';
import type { ProbePlans } from './corpus-probes.js';
import { decodeProbeErrno } from './probe.js';

type Run = (scenario: string, params?: unknown, opts?: RunOptions) => Promise<ChildOutcome>;
type Define = (name: string, fn: () => Promise<void>) => void;

/** Expanded cases with x86_64 native: the number libseccomp's own harness runs. */
const X86_64_CASES = 7808;

/**
 * The corpus's 2.6-only entries and what libseccomp 2.5 cannot run of them with x86_64
 * native: the arches it lacks (with those arches' expanded cases), or the whole entry.
 */
const NEEDS_26: Record<string, { arches: string[]; cases: number } | { skipped: number }> = {
  '16-sim-arch_basic': { arches: ['loongarch64', 'sh'], cases: 46 },
  '23-sim-arch_all_le_basic': { arches: ['loongarch64', 'sh'], cases: 48 },
  '26-sim-arch_all_be_basic': { arches: ['m68k', 'sheb'], cases: 48 },
  '30-sim-socket_syscalls': { arches: ['sh'], cases: 13 },
  '36-sim-ipc_syscalls': { arches: ['sh'], cases: 12 },
  '53-sim-binary_tree': { arches: ['loongarch64'], cases: 39 },
  '60-sim-precompute': { skipped: 13 },
  '61-sim-transactions': { skipped: 25 },
  '62-sim-arch_transactions': { skipped: 4 },
};

function result<T>(o: ChildOutcome): T {
  assert.equal(o.error, undefined, `child failed: ${JSON.stringify(o.error)}\nstderr:\n${o.stderr.slice(0, 4000)}`);
  assert.equal(o.code, 0, `code=${o.code} signal=${o.signal}\nstderr:\n${o.stderr.slice(0, 4000)}`);
  return o.result as T;
}

function failureReport(s: CorpusSummary): string {
  return JSON.stringify(s.entries.filter((e) => e.failures).map((e) => ({ id: e.id, failures: e.failures, first: e.failureDetails })), null, 1);
}

/** What libseccomp 2.5 leaves out on x86_64, checked entry by entry against NEEDS_26. */
function assertLeftOut26(s: CorpusSummary): void {
  const skipped = s.entries.filter((e) => e.skipped);
  const dropped = s.entries.filter((e) => e.dropped);
  assert.deepEqual([...skipped, ...dropped].map((e) => e.id).sort(), Object.keys(NEEDS_26).sort());
  for (const e of skipped) {
    assert.deepEqual({ cases: e.cases, ran: e.ran }, { cases: (NEEDS_26[e.id] as { skipped: number }).skipped, ran: 0 }, e.id);
    assert.match(e.skipped!, /needs libseccomp >= 2\.6\.0 .*lacks (precompute|transactions)/, e.id);
  }
  for (const e of dropped) {
    const want = NEEDS_26[e.id] as { arches: string[]; cases: number };
    assert.deepEqual({ arches: e.dropped!.arches, cases: e.dropped!.cases }, want, e.id);
    assert.equal(e.ran, e.cases - want.cases, e.id);
    assert.match(e.dropped!.reason, /needs libseccomp >= 2\.6\.0 .*does not know/, e.id);
  }
}

export function defineCorpusTests(t: Define, run: Run, arch: string): void {
  t(`libseccomp corpus: every expanded verdict matches (${X86_64_CASES} on x86_64)`, async () => {
    const s = result<CorpusSummary>(await run('corpus', {}, { timeoutMs: 60_000 }));
    assert.equal(s.totals.failures, 0, failureReport(s));
    assert.deepEqual(s.tableMismatches, []);
    assert.equal(s.totals.entries, 43);
    const left = s.totals.skippedCases + s.totals.droppedCases;
    assert.equal(s.totals.ran, s.totals.cases - left, 'every case not left out with a reason was run');
    if (s.library.startsWith('2.5.')) {
      // Only 2.6-only entries may leave anything out, and always with a reason.
      for (const e of s.entries.filter((x) => x.skipped || x.dropped)) assert.ok(e.id in NEEDS_26, `${e.id} left out: ${e.skipped ?? e.dropped?.reason}`);
      if (arch === 'x86_64') assertLeftOut26(s);
    } else {
      assert.deepEqual(s.entries.filter((e) => e.skipped || e.dropped).map((e) => e.id), [], `libseccomp ${s.library} runs every entry`);
    }
    if (arch !== 'x86_64') return;
    assert.equal(s.totals.cases, X86_64_CASES);
    // libseccomp 2.5: 7808 - 42 (entries 60-62 skipped) - 206 (arches it lacks) = 7560.
    assert.equal(s.totals.ran, s.library.startsWith('2.5.') ? X86_64_CASES - 42 - 206 : X86_64_CASES);
  });

  t('libseccomp corpus: the kernel agrees with the emulator on a sample', async () => {
    const plans = result<ProbePlans>(await run('corpusProbes', { perEntry: 40 }, { timeoutMs: 60_000 }));
    const disagreements: unknown[] = [];
    let calls = 0;
    // One child per entry, one after another: each loads its own probe program.
    for (const p of plans.plans) {
      const errnos = result<number[]>(await run('rawCalls', { bpf: p.bpf, calls: p.calls }));
      assert.equal(errnos.length, p.calls.length, p.id);
      errnos.forEach((errno, i) => {
        const kernel = decodeProbeErrno(errno, p.spare);
        if (kernel !== p.expected[i]) disagreements.push({ id: p.id, call: p.calls[i], errno, kernel, emulator: p.expected[i] });
      });
      calls += errnos.length;
    }
    assert.deepEqual(disagreements, []);
    for (const u of plans.unsampled) assert.ok(u.reason.length > 0, u.id);
    assert.equal(plans.plans.length + plans.unsampled.length, 43);
    // Floors per host arch (measured: x86_64 25+ entries, aarch64 24 entries and 356 calls).
    if (arch === 'x86_64') assert.ok(plans.plans.length >= 25 && calls >= 600, `sampled ${plans.plans.length} entries, ${calls} calls`);
    if (arch === 'aarch64') assert.ok(plans.plans.length >= 20 && calls >= 300, `sampled ${plans.plans.length} entries, ${calls} calls`);
  });
}
