// The kernel as the judge of the TypeScript compiler on libseccomp's corpus. For every entry
// the compiler covers and that has cases on the native arch (x86_64), a deterministic sample
// of those cases (up to 20, the first case of every distinct verdict included) is issued
// for real in a child process, under the compiled program wrapped as a probe (probe.ts):
// only the sampled syscall numbers enter the program, and each of its returns becomes an
// errno that names the verdict. So no sampled call ever runs, whatever the verdict — a kill
// or a call that would block included — and the kernel's answer decodes to its verdict,
// which must be the corpus's. Filters are only ever loaded in children.
//
// One rule leaves cases out, by name and counted: `runtime`, a syscall the child's runtime
// makes itself (corpus-probes.ts's list): answered with an errno, it would break the child.
//
// Node only, like bpf-kernel.test.ts: what is judged is core's pure TypeScript, the same on
// every runtime, and the kernel's answer does not depend on which runtime asked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBpf, type SockFilter } from '../src/abi.js';
import { Action, actionsEqual, encodeAction, formatAction } from '../src/actions.js';
import { archInfo } from '../src/arch.js';
import { BPF_K, BPF_RET, emulate, kernelAction, stmt } from '../src/bpf/index.js';
import { resolveSyscall } from '../src/syscalls/index.js';
import { CORPUS, forEachSim, type CorpusEntry } from '../testing/corpus-data.js';
import { pickSample, RUNTIME_SYSCALLS, type ProbeCall } from '../testing/corpus-probes.js';
import { runChild, type ChildOutcome } from '../testing/harness.js';
import { nodeChildCommand } from './node-child.js';
import { decodeProbeErrno, probeProgram, type Probe } from '../testing/probe.js';
import { entryProgram, NATIVE, toAction, type EntryProgram } from './compile-corpus-entry.js';

const PER_ENTRY = 20;
/** A probe tests at most this many distinct syscall numbers (probe.ts). */
const PROBE_SET = 255;

/** This run's reason not to ask the kernel, if any (the package's bun and deno scripts leave this file out too). */
const cannot = 'Bun' in globalThis || 'Deno' in globalThis
  ? 'Node only: the children are Node processes running the built @seccomp/node'
  : process.arch !== 'x64' ? `this machine is ${process.arch}: the samples are the corpus's x86_64 cases, issued natively` : undefined;


/** The named rules that keep a native case out of the sample (nr → rule). */
function exclusions(): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of RUNTIME_SYSCALLS) {
    try {
      out.set(resolveSyscall(name, NATIVE) >>> 0, 'runtime');
    } catch {
      // Not a syscall on x86_64 (uprobe on an older table, say): nothing to leave out.
    }
  }
  return out;
}
const EXCLUDED = exclusions();

interface Candidate {
  call: ProbeCall;
  action: Action;
  /** The verdict's raw return value: what pickSample tells verdicts apart by. */
  value: number;
}

interface Plan {
  id: string;
  compiled: EntryProgram;
  sample: Candidate[];
  probe: Probe;
  /** Native cases, and how many each rule left out. */
  native: number;
  excluded: Record<string, number>;
}

function candidates(e: CorpusEntry): { native: number; excluded: Record<string, number>; safe: Candidate[] } {
  const out = { native: 0, excluded: {} as Record<string, number>, safe: [] as Candidate[] };
  for (const c of e.cases) {
    const action = toAction(c.expect);
    forEachSim(c, NATIVE, (sim) => {
      if (sim.arch !== NATIVE) return;
      out.native++;
      const rule = EXCLUDED.get(sim.nr);
      if (rule) {
        out.excluded[rule] = (out.excluded[rule] ?? 0) + 1;
        return;
      }
      const call = { nr: sim.nr | 0, args: sim.args.map((a) => BigInt.asUintN(64, a).toString()) };
      out.safe.push({ call, action, value: encodeAction(action) >>> 0 });
    });
  }
  return out;
}

/** Every entry the compiler covers: its sampled plan, or why it has none. */
function plans(): { plans: Plan[]; unsampled: Record<string, string> } {
  const out = { plans: [] as Plan[], unsampled: {} as Record<string, string> };
  for (const e of CORPUS) {
    const compiled = entryProgram(e);
    if (typeof compiled === 'string') {
      out.unsampled[e.id] = `not compiled: ${compiled}`;
      continue;
    }
    const found = candidates(e);
    if (found.native === 0) out.unsampled[e.id] = `no ${NATIVE} case`;
    else if (found.safe.length === 0) out.unsampled[e.id] = `all ${found.native} ${NATIVE} cases left out: ${JSON.stringify(found.excluded)}`;
    if (found.safe.length === 0) continue;
    const sample = pickSample(found.safe, PER_ENTRY);
    const probe = probeProgram(compiled.program, sample.map((s) => s.call.nr), archInfo(NATIVE).auditArch);
    out.plans.push({ id: e.id, compiled, sample, probe, native: found.native, excluded: found.excluded });
  }
  return out;
}

/** Loads `program` in a child (rawCalls) and makes the calls; each call's errno, 0 if it succeeded. */
async function inChild(program: readonly SockFilter[], calls: readonly ProbeCall[]): Promise<number[]> {
  const o: ChildOutcome = await runChild(nodeChildCommand(), 'rawCalls', { bpf: Array.from(encodeBpf(program, 'little')), calls });
  assert.equal(o.error, undefined, `child failed: ${JSON.stringify(o.error)}\n${o.stderr.slice(0, 2000)}`);
  assert.equal(o.code, 0, `code=${o.code} signal=${o.signal} hung=${o.hung}\n${o.stderr.slice(0, 2000)}`);
  const errnos = o.result as number[];
  assert.equal(errnos.length, calls.length);
  return errnos;
}

const show = (a: Action | undefined) => (a ? formatAction(a) : 'no probe code');

describe('the kernel judges the compiled corpus: a sample of every entry\'s x86_64 cases', { skip: cannot }, () => {
  const { plans: all, unsampled } = plans();

  it('samples every covered entry with x86_64 cases, every distinct verdict of each', () => {
    const calls = all.reduce((n, p) => n + p.sample.length, 0);
    console.log(`kernel sample: ${calls} calls from ${all.length} entries; not sampled:`, unsampled);
    for (const p of all) {
      const verdicts = new Set(p.sample.map((s) => s.value));
      console.log(`  ${p.id}: ${p.sample.length} of ${p.native} ${NATIVE} cases, ${verdicts.size} verdict(s)${Object.keys(p.excluded).length ? `; left out ${JSON.stringify(p.excluded)}` : ''}`);
    }
    assert.equal(all.length + Object.keys(unsampled).length, CORPUS.length);
    assert.ok(all.length >= 34, `${all.length} entries sampled`);
    assert.ok(calls >= 430, `${calls} calls`);
    // Every reason is one of the named ones: not compiled, no native case, all left out by a rule.
    for (const [id, why] of Object.entries(unsampled)) assert.match(why, /^(not compiled: |no x86_64 case$|all \d+ x86_64 cases left out: )/, id);
    assert.ok(all.some((p) => p.sample.some((s) => s.action.kind === 'killThread')), 'kill verdicts are sampled too');
  });

  it('control: without the compiled programs, a probe around RET ALLOW answers every sampled number with ALLOW', async () => {
    // The same numbers through the same probe, the compiled program replaced by one RET
    // ALLOW: each call must come back as the probe's ALLOW code, which no real syscall
    // returns — so every number reaches a loaded program, and none of the calls runs.
    const nrs = [...new Set(all.flatMap((p) => p.sample.map((s) => s.call.nr)))];
    for (let i = 0; i < nrs.length; i += PROBE_SET) {
      const share = nrs.slice(i, i + PROBE_SET);
      const probe = probeProgram([stmt(BPF_RET | BPF_K, encodeAction(Action.allow))], share, archInfo(NATIVE).auditArch);
      const errnos = await inChild(probe.program, share.map((nr) => ({ nr, args: ['0', '0', '0', '0', '0', '0'] })));
      const wrong = errnos.flatMap((errno, j) => (decodeProbeErrno(errno, probe.spare) === encodeAction(Action.allow) >>> 0 ? [] : [`nr ${share[j]}: errno ${errno}`]));
      assert.deepEqual(wrong, []);
    }
  });

  for (const p of all) {
    it(`${p.id}: the kernel gives the corpus's verdict on ${p.sample.length} sampled calls`, async () => {
      const errnos = await inChild(p.probe.program, p.sample.map((s) => s.call));
      const wrong = p.sample.flatMap((s, i) => {
        const raw = decodeProbeErrno(errnos[i]!, p.probe.spare);
        const kernel = raw === undefined ? undefined : kernelAction(raw);
        const emulated = emulate(p.compiled.program, { arch: NATIVE, syscall: s.call.nr >>> 0, args: s.call.args.map(BigInt) }).action;
        const agree = kernel !== undefined && actionsEqual(kernel, s.action) && actionsEqual(emulated, s.action);
        return agree ? [] : [`nr ${s.call.nr} args ${s.call.args.join(',')}: corpus ${formatAction(s.action)}, kernel ${show(kernel)} (errno ${errnos[i]}), emulator ${show(emulated)}`];
      });
      assert.deepEqual(wrong, []);
    });
  }
});
