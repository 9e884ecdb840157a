/**
 * Runs libseccomp's own bpf-sim regression corpus through the SDK: each entry's filter is
 * built with SyscallFilter, its exported BPF is run in core's emulator for every expanded
 * case, and the verdict is compared with the reference's. Nothing is loaded.
 *
 * With a libseccomp older than an entry's minVersion, the entry runs without the arches
 * this library lacks (their cases are counted as dropped), and is skipped outright when it
 * needs an API the library lacks (precompute, transactions). Both are reported with reasons.
 */
import type { ArchName, PreparedBpf, SyscallFilter } from '../src/internal.js';
import { resolveSyscallRewrite, versionAtLeast } from '../src/internal.js';
import type { CorpusCase, CorpusEntry, SimInput } from './corpus-data.js';
import { CORPUS, caseCount, caseSyscallTable, corpusArch, CORPUS_ARCHES, filterArches, forEachSim, usesSteps } from './corpus-data.js';
import { buildFilter, toAction, type BuildContext, type BuildNotes } from './corpus-build.js';
import type { ScenarioApi } from './scenario-types.js';

export interface CaseFailure {
  arch: string;
  nr: string;
  args: string[];
  expected: string;
  got: string;
}

export interface CorpusEntryResult {
  id: string;
  /** Simulated syscalls the entry expands to on this native arch. */
  cases: number;
  /** Of those, how many were run. */
  ran: number;
  failures: number;
  /** The first few failures. */
  failureDetails: CaseFailure[];
  /** Calls the reference requires to fail that did fail. */
  expectedErrors: number;
  /** The whole entry was not run, and why. */
  skipped?: string;
  /** Arches left out of the filter (with their cases), and why. */
  dropped?: { arches: string[]; cases: number; reason: string };
  /** No case line runs on this native arch, so (like the harness) nothing was built. */
  idle?: true;
}

export interface CorpusSummary {
  native: string;
  library: string;
  entries: CorpusEntryResult[];
  totals: { entries: number; cases: number; ran: number; failures: number; skippedEntries: number; skippedCases: number; droppedCases: number };
  /** Where the SDK's syscall and arch tables disagree with the numbers the harness feeds. */
  tableMismatches: string[];
  elapsedMs: number;
}

const MAX_DETAILS = 5;
const STEP_APIS: Record<string, keyof ReturnType<ScenarioApi['capabilities']>> = {
  precompute: 'precompute', transactionStart: 'transactions', transactionCommit: 'transactions', transactionReject: 'transactions',
};

const hex = (v: number | bigint): string => `0x${v.toString(16)}`;

/** Whether this libseccomp knows an arch, asked of the library (seccomp_arch_add on a scratch filter). */
function supportsArch(api: ScenarioApi, arch: string): boolean {
  let known = archSupport.get(api);
  if (!known) archSupport.set(api, (known = new Map()));
  if (!known.has(arch)) {
    const f = new api.SyscallFilter(api.Action.allow, { tsync: false });
    try {
      // Alone in the filter: libseccomp refuses to mix byte orders, which is not the question.
      if (!f.hasArch(arch as ArchName)) f.removeArch(api.nativeArch()).addArch(arch as ArchName);
      known.set(arch, true);
    } catch {
      known.set(arch, false);
    } finally {
      f.release();
    }
  }
  return known.get(arch)!;
}

const archSupport = new WeakMap<ScenarioApi, Map<string, boolean>>();

export interface EntryPlan {
  /** Why the entry cannot run at all with this library. */
  skipped?: string;
  /** Arches to build the filter without (this library lacks them), with the reason. */
  dropped: Set<string>;
  reason?: string;
}

/** What an entry can run with this library: everything, all but some arches, or nothing. */
export function entryPlan(api: ScenarioApi, e: CorpusEntry): EntryPlan {
  const version = api.libraryVersion();
  if (!e.minVersion || versionAtLeast(version, e.minVersion)) return { dropped: new Set() };
  const why = `needs libseccomp >= ${e.minVersion} (${e.minVersionReason ?? 'newer API'}); this is ${version.text}`;
  const caps = api.capabilities();
  const missingApi = Object.entries(STEP_APIS).filter(([op, cap]) => usesSteps(e.filter, [op]) && !caps[cap]);
  if (missingApi.length) return { skipped: `${why}, which lacks ${[...new Set(missingApi.map(([, c]) => c))].join(', ')}`, dropped: new Set() };
  const dropped = new Set(filterArches(e.filter).filter((a) => !supportsArch(api, a)));
  if (dropped.size === 0) return { dropped };
  return { dropped, reason: `${why}, which does not know ${[...dropped].join(', ')}: the filter is built without them and their cases are not run` };
}

/** Runs one entry's program over its expanded cases; `visit` sees each run's raw verdict. */
export function evaluateEntry(
  api: ScenarioApi, e: CorpusEntry, bpf: Uint8Array, native: string, skipArch: (arch: string) => boolean,
  visit: (sim: SimInput, value: number, c: CorpusCase) => void,
): void {
  // The harness decodes the program and lays out seccomp_data in the simulated arch's order.
  const prepared = new Map<string, PreparedBpf>();
  const programFor = (endian: 'little' | 'big') => {
    if (!prepared.has(endian)) prepared.set(endian, api.prepare(bpf, endian));
    return prepared.get(endian)!;
  };
  for (const c of e.cases) {
    forEachSim(c, native, (sim) => {
      if (skipArch(sim.arch)) return;
      const a = corpusArch(sim.arch);
      visit(sim, api.runPrepared(programFor(a.endian), sim.nr, a.auditArch, sim.args), c);
    });
  }
}

function formatVerdict(api: ScenarioApi, value: number): string {
  return `${api.formatAction(api.kernelAction(value))} (${hex(value >>> 0)})`;
}

/** A build step that went wrong, reported as a failure of the entry. */
const buildFailure = (got: string): CaseFailure => ({ arch: '', nr: '', args: [], expected: 'the build to go as in the reference', got });

type Checked = Pick<CorpusEntryResult, 'ran' | 'failures' | 'failureDetails' | 'expectedErrors'>;

/** Builds and exports the entry's filter, then compares every case's verdict. */
function checkEntry(api: ScenarioApi, e: CorpusEntry, ctx: BuildContext): Checked {
  const notes: BuildNotes = { expectedErrors: 0, problems: [] };
  let filter: SyscallFilter | undefined;
  let bpf: Uint8Array;
  try {
    filter = buildFilter(ctx, e.filter, notes);
    bpf = filter.exportBpf();
  } finally {
    filter?.release();
  }
  const details = notes.problems.map(buildFailure);
  const out: Checked = { ran: 0, failures: details.length, failureDetails: details, expectedErrors: notes.expectedErrors };
  evaluateEntry(api, e, bpf, ctx.native, (a) => ctx.droppable.has(a), (sim, value, c) => {
    out.ran++;
    const expected = toAction(api, c.expect);
    if (api.actionsEqual(api.kernelAction(value), expected)) return;
    out.failures++;
    if (out.failureDetails.length < MAX_DETAILS) {
      out.failureDetails.push({ arch: sim.arch, nr: hex(sim.nr), args: sim.args.map(hex), expected: api.formatAction(expected), got: formatVerdict(api, value) });
    }
  });
  return out;
}

/** How many of the entry's expanded cases fall on `arches`. */
export function casesOn(e: CorpusEntry, native: string, arches: ReadonlySet<string>): number {
  let n = 0;
  for (const c of e.cases) forEachSim(c, native, (sim) => void (arches.has(sim.arch) && n++));
  return n;
}

function entryResult(api: ScenarioApi, e: CorpusEntry, native: ArchName, defaultLevel: number): CorpusEntryResult {
  const cases = e.cases.reduce((n, c) => n + caseCount(c, native), 0);
  const result: CorpusEntryResult = { id: e.id, cases, ran: 0, failures: 0, failureDetails: [], expectedErrors: 0 };
  const p = entryPlan(api, e);
  if (p.skipped) return { ...result, skipped: p.skipped };
  if (cases === 0) return { ...result, idle: true };
  const droppedCases = casesOn(e, native, p.dropped);
  if (p.dropped.size) result.dropped = { arches: [...p.dropped], cases: droppedCases, reason: p.reason! };
  // The API level is process-wide in libseccomp: set it for this entry only.
  api.setApiLevel(e.filter.apiLevel ?? defaultLevel);
  try {
    Object.assign(result, checkEntry(api, e, { api, native, droppable: p.dropped }));
  } catch (err) {
    result.failures = cases - droppedCases;
    result.failureDetails = [buildFailure(`building or exporting the filter failed: ${(err as Error).message}`)];
  } finally {
    api.setApiLevel(defaultLevel);
  }
  return result;
}

/** Compares the SDK's tables with the numbers and arch facts the harness uses. */
export function tableMismatches(api: ScenarioApi): string[] {
  const out: string[] = [];
  for (const { name, arch, nr } of caseSyscallTable()) {
    let mine: number | string;
    try {
      mine = resolveSyscallRewrite(name, arch as ArchName);
    } catch (err) {
      mine = (err as Error).message;
    }
    if (mine !== nr) out.push(`${name} on ${arch}: harness ${nr}, SDK ${mine}`);
  }
  for (const [name, a] of Object.entries(CORPUS_ARCHES)) {
    const info = api.archInfo(name);
    if (info.auditArch !== a.auditArch || info.endian !== a.endian) out.push(`arch ${name}: harness ${hex(a.auditArch)}/${a.endian}, SDK ${hex(info.auditArch)}/${info.endian}`);
  }
  return out;
}

/** The whole corpus, in the calling process (never loads a filter). */
export function runCorpus(api: ScenarioApi, entries: readonly CorpusEntry[] = CORPUS): CorpusSummary {
  const started = performance.now();
  const native = api.nativeArch();
  const defaultLevel = api.apiLevel();
  const results = entries.map((e) => entryResult(api, e, native, defaultLevel));
  const sum = (f: (r: CorpusEntryResult) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    native,
    library: api.libraryVersion().text,
    entries: results,
    totals: {
      entries: results.length,
      cases: sum((r) => r.cases),
      ran: sum((r) => r.ran),
      failures: sum((r) => r.failures),
      skippedEntries: results.filter((r) => r.skipped).length,
      skippedCases: sum((r) => (r.skipped ? r.cases : 0)),
      droppedCases: sum((r) => r.dropped?.cases ?? 0),
    },
    tableMismatches: tableMismatches(api),
    elapsedMs: Math.round(performance.now() - started),
  };
}
