/**
 * A corpus filter's API calls replayed into the state libseccomp keeps (src/db.c): a filter
 * collection is a list of per-arch rule databases, and a rule added goes into every database
 * present at that moment. So an arch added later starts empty, seccomp_merge() appends the
 * other collection's databases untouched, and one Profile per group of arches with equal
 * rule lists says what the collection means.
 */
import { archInfo, type ArchName } from '../src/arch.js';
import { syscallName } from '../src/syscalls/index.js';
import type { CorpusAction, CorpusFilter, CorpusRule, CorpusStep } from '../testing/corpus-data.js';

/** One arch's rules, in add order, and its syscall priorities (layout hints, never verdicts). */
export interface ArchDb {
  readonly arch: ArchName;
  readonly rules: readonly CorpusRule[];
  readonly priorities: ReadonlyMap<string | number, number>;
}

export interface Collection {
  readonly defaultAction: CorpusAction;
  /** SCMP_FLTATR_API_TSKIP: rules on syscall -1 allowed. */
  readonly apiTskip: boolean;
  readonly dbs: readonly ArchDb[];
}

/** An entry the harness does not replay, with the reason as data (the test lists it). */
export class NotReplayed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export interface ReplayContext {
  readonly native: ArchName;
  /**
   * For a rule the corpus says libseccomp refuses: the compiler's reason for refusing it on
   * these arches, or undefined when it accepts it (then the entry is not replayed).
   */
  refusal(rule: CorpusRule, state: Collection): string | undefined;
}

/**
 * libseccomp 2.6 keeps a "shadow" after a commit or a rule add (each add runs in a transaction
 * of its own): a copy of the state that the next transaction start takes instead of copying
 * again. Arch changes do not update it, so a start after one can snapshot an older arch list,
 * which a reject would then restore. The harness follows the plain stack of snapshots and
 * refuses an entry where the two could differ; it tracks the shadow only to know where.
 */
interface Shadow {
  /** The arch changes it has seen (the collection's count when it was taken). */
  readonly epoch: number;
  /** Taken from a snapshot that may already have been out of date. */
  readonly trusted: boolean;
}

interface Snapshot {
  readonly dbs: readonly ArchDb[];
  readonly epoch: number;
  /** False when libseccomp may have taken it from an out-of-date shadow. */
  readonly trusted: boolean;
}

/** The rules a step adds: itself, or (entry 05) one rule per native syscall number in a range. */
export function stepRules(s: CorpusStep, native: ArchName): CorpusRule[] {
  if (s.op === 'addRule') return [s];
  if (s.op !== 'addRuleForEachNativeSyscall') return [];
  const excluded = new Set(s.excludeSyscalls);
  const out: CorpusRule[] = [];
  for (let n = s.numberRange[0]; n <= s.numberRange[1] && out.length < s.maxRules; n++) {
    const name = syscallName(n, native);
    if (name === undefined || excluded.has(name)) continue;
    out.push({ action: s.action, syscall: n, args: s.args, exact: s.exact });
  }
  return out;
}

const emptyDb = (arch: ArchName): ArchDb => ({ arch, rules: [], priorities: new Map() });

function sameAction(a: CorpusAction, b: CorpusAction): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

class Replay {
  private defaultAction: CorpusAction;
  private apiTskip: boolean;
  private dbs: ArchDb[];
  private readonly snapshots: Snapshot[] = [];
  private shadow: Shadow | undefined;
  /** How many arch changes (add, remove, merge) the collection has seen. */
  private epoch = 0;

  constructor(filter: CorpusFilter, private readonly ctx: ReplayContext) {
    this.defaultAction = filter.defaultAction;
    this.apiTskip = !!filter.attributes.apiTskip;
    this.dbs = filter.arches.map((a) => emptyDb(a === 'native' ? ctx.native : (a as ArchName)));
  }

  result(): Collection {
    if (this.dbs.length === 0) throw new Error('every arch was removed: libseccomp has no filter to export');
    return { defaultAction: this.defaultAction, apiTskip: this.apiTskip, dbs: this.dbs };
  }

  step(s: CorpusStep): void {
    switch (s.op) {
      case 'addRule': case 'addRuleForEachNativeSyscall':
        for (const r of stepRules(s, this.ctx.native)) this.addRule(r);
        return;
      case 'setSyscallPriority': return this.setPriority(s.syscall, s.priority);
      case 'reset': return this.reset(s.defaultAction);
      case 'merge': return this.merge(replayFilter(s.filter, this.ctx));
      case 'addArch': return this.addArch(s.arch as ArchName);
      case 'removeArch': return this.removeArch(s.arch as ArchName);
      // seccomp_precompute() only builds the program early; a later change rebuilds it.
      case 'precompute': return;
      case 'transactionStart': return this.start();
      case 'transactionCommit': return this.commit();
      case 'transactionReject': return this.reject();
    }
  }

  addRule(r: CorpusRule): void {
    // seccomp_syscall_priority() just before the add (entry 09's notes).
    if (r.priority !== undefined) this.setPriority(r.syscall, r.priority);
    if (r.expectError) return this.refuse(r);
    this.dbs = this.dbs.map((db) => ({ ...db, rules: [...db.rules, r] }));
    this.shadow ??= { epoch: this.epoch, trusted: true };
  }

  private shadowCurrent(): boolean {
    return !this.shadow || (this.shadow.trusted && this.shadow.epoch === this.epoch);
  }

  /** The corpus says libseccomp fails this call and leaves the filter as it was. */
  private refuse(r: CorpusRule): void {
    // A failed add undoes its own transaction, which may restore an out-of-date shadow.
    if (!this.shadowCurrent()) throw new NotReplayed('refused rule after an arch change (out-of-date shadow)');
    const reason = this.ctx.refusal(r, { defaultAction: this.defaultAction, apiTskip: this.apiTskip, dbs: this.dbs });
    if (reason === undefined) throw new NotReplayed(`refusal of ${JSON.stringify(r.syscall)}`);
  }

  /** seccomp_syscall_priority(): on every arch's database. */
  private setPriority(syscall: string | number, priority: number): void {
    this.dbs = this.dbs.map((db) => ({ ...db, priorities: new Map(db.priorities).set(syscall, priority) }));
  }

  /** seccomp_reset(): rules, arches (native only), attributes and transactions start over. */
  private reset(defaultAction: CorpusAction | undefined): void {
    this.defaultAction = defaultAction ?? this.defaultAction;
    this.apiTskip = false;
    this.dbs = [emptyDb(this.ctx.native)];
    this.snapshots.length = 0;
    this.shadow = undefined;
  }

  /**
   * seccomp_merge(): refused unless the defaults and byte orders match and no arch is in both;
   * the other filter's attributes are dropped, so the harness takes only equal ones (one
   * Profile attribute stands for all arches).
   */
  private merge(src: Collection): void {
    if (!sameAction(src.defaultAction, this.defaultAction)) throw new Error('seccomp_merge refuses filters with different default actions (EINVAL)');
    if (src.apiTskip !== this.apiTskip) throw new NotReplayed('merge of filters with different apiTskip');
    for (const db of src.dbs) this.checkNewArch(db.arch);
    this.dbs = [...this.dbs, ...src.dbs];
    this.epoch++;
  }

  private addArch(arch: ArchName): void {
    this.checkNewArch(arch);
    this.dbs = [...this.dbs, emptyDb(arch)];
    this.epoch++;
  }

  private removeArch(arch: ArchName): void {
    if (!this.dbs.some((db) => db.arch === arch)) throw new Error(`seccomp_arch_remove: ${arch} is not in the filter (EEXIST)`);
    this.dbs = this.dbs.filter((db) => db.arch !== arch);
    this.epoch++;
  }

  private checkNewArch(arch: ArchName): void {
    if (this.dbs.some((db) => db.arch === arch)) throw new Error(`${arch} is in the filter already (EEXIST)`);
    const endian = this.dbs[0] && archInfo(this.dbs[0].arch).endian;
    if (endian && archInfo(arch).endian !== endian) throw new Error(`${arch} is not ${endian}-endian like the filter (EDOM)`);
  }

  /** The snapshot is the current state, unless libseccomp takes it from an out-of-date shadow. */
  private start(): void {
    this.snapshots.push({ dbs: this.dbs, epoch: this.epoch, trusted: this.shadowCurrent() });
    this.shadow = undefined;
  }

  /**
   * Keeps the state and drops the newest snapshot; with none open it does nothing, as in
   * libseccomp. Without a shadow the snapshot becomes one, brought up to date by libseccomp
   * only for rule changes: counted out of date if the arches changed meanwhile.
   */
  private commit(): void {
    const snap = this.snapshots.pop();
    if (snap && !this.shadow) this.shadow = { epoch: snap.epoch, trusted: snap.trusted };
  }

  private reject(): void {
    const snap = this.snapshots.pop();
    if (!snap) throw new Error('transactionReject with no transaction open');
    if (!snap.trusted) throw new NotReplayed('reject of a transaction started from an out-of-date shadow');
    this.dbs = [...snap.dbs];
    this.shadow = undefined;
  }
}

/** The collection a corpus filter builds (its rules, or its steps in order). */
export function replayFilter(filter: CorpusFilter, ctx: ReplayContext): Collection {
  const replay = new Replay(filter, ctx);
  for (const r of filter.rules ?? []) replay.addRule(r);
  for (const s of filter.steps ?? []) replay.step(s);
  return replay.result();
}

/** Arches whose databases hold the same rules (same rule objects, same priorities), in filter order. */
export function groupDbs(dbs: readonly ArchDb[]): ArchDb[][] {
  const ids = new Map<CorpusRule, number>();
  const idOf = (r: CorpusRule) => ids.get(r) ?? ids.set(r, ids.size).get(r)!;
  const groups = new Map<string, ArchDb[]>();
  for (const db of dbs) {
    const key = JSON.stringify([db.rules.map(idOf), [...db.priorities]]);
    groups.set(key, [...(groups.get(key) ?? []), db]);
  }
  return [...groups.values()];
}
