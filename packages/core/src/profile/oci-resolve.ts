/**
 * resolveOci: what an OCI/Docker profile means for one process, as the SDK's Profile.
 * It follows what Docker (moby's profile code) and runc do:
 *
 *  - arches: the archMap entry for the arch plus its subArchitectures, or `architectures`
 *    when there is no archMap. The arch itself is always covered: libseccomp keeps the
 *    native arch in every filter, and runc never removes it.
 *  - a syscall group applies when its `includes` all match (arches lists the arch; every
 *    listed cap is held; minKernel <= kernelVersion) and no `excludes` matches (the arch is
 *    listed; any listed cap is held; kernelVersion >= minKernel). Without kernelVersion a
 *    minKernel counts as reached: the kernel is assumed current.
 *  - errnoRet/defaultErrnoRet give the errno (EPERM when absent) or the trace message.
 *  - a group whose action equals the default is left out, as runc does (libseccomp
 *    refuses such rules).
 *  - podman's dialect (containers-common): `errno`/`defaultErrno` name the errno; when set
 *    they win over errnoRet/defaultErrnoRet, as podman reads them.
 *  - two comparisons on one argument: runc then adds one rule per comparison (all of the
 *    entry's comparisons, each alone), so the entry matches when any one holds (OR).
 *  - a syscall decided by an earlier entry without conditions (or decided later by one, over
 *    conditional rules): libseccomp keeps that first unconditional rule and drops the other
 *    without a word, so the profile runc/crun install is the collapsed one; the dropped
 *    syscall is left out of its entry here too, with a `shadowed` warning naming both entries.
 *    (The SDK's own profiles refuse such conflicts in compile(): findRuleConflicts.)
 *
 * What cannot be carried over is reported in `warnings` instead of failing, since a
 * profile written for many arches and kernels is expected to mention things this one
 * lacks: names no table of the resolved arches knows (Docker lists syscalls newer than
 * some tables), flags the model has no attribute for, values JSON may have rounded.
 */
import { Action, actionsEqual, formatAction, fromOciAction } from '../actions.js';
import { ARCH_NAMES, ARCHES, isArchName, nativeArch, type ArchName } from '../arch.js';
import { arg, CMP, type Condition } from '../compare.js';
import type { Profile, ProfileAttributes, Rule } from './model.js';
import { isImprecise, parseU64 } from './numbers.js';
import { archFromOci, dockerSpellings } from './oci-arches.js';
import { errnoValue, fromOci } from './oci-parse.js';
import { findRuleConflicts } from './conflicts.js';
import type { EnosysAbove } from './oci-enosys.js';
import { OciWarnings, type OciWarning } from './oci-warnings.js';
import { isSyscallName, resolveSyscall, X32_SYSCALL_BIT } from '../syscalls/index.js';
import type { OciArg, OciFilter, OciOperator, OciProfile, OciSyscall } from './oci-types.js';
import { unknownSyscall } from './tables.js';
import { at } from './util.js';
import { validateProfile } from './validate.js';

export interface ResolveOciOptions {
  /**
   * Whether the library that will build the filter knows a syscall name; runc asks the
   * libseccomp it links (2.5 lacks the newest syscalls). A name it does not know gets an
   * `unknownToLibrary` warning. Default: every name of the SDK's tables is known.
   * With a runtime package: `(name) => syscallResolveName(name) !== -1`.
   */
  readonly libraryKnows?: (name: string) => boolean;
  /**
   * runc's behaviour for those names: leave them out (they get the default action). Default
   * false: the SDK's compiler places them by number from its tables.
   */
  readonly skipUnknownToLibrary?: boolean;
  /**
   * runc's ENOSYS stub: compute `enosysAbove`, per arch the highest syscall number the profile
   * names, for withEnosysStub(). Only when the default action stops the call. Default false.
   */
  readonly enosysForNewer?: boolean;
  /** The arch the process runs as. Default: nativeArch(). */
  readonly arch?: ArchName;
  /** Capabilities held (Docker checks the bounding set): "CAP_SYS_ADMIN" or "SYS_ADMIN". Default none. */
  readonly capabilities?: readonly string[];
  /** The running kernel: "5.15" or uname's "5.15.0-91-generic". Default: assume a current kernel. */
  readonly kernelVersion?: string;
}

export interface ResolvedOci {
  /** Validated and frozen. */
  readonly profile: Profile;
  /** What was left out or could not be expressed, each with its path in the OCI profile. */
  readonly warnings: readonly string[];
  /** The same warnings as fields (code, path, syscall, entry indexes). */
  readonly details: readonly OciWarning[];
  /** For each rule of `profile`, the index in `syscalls` of the entry it came from. */
  readonly entries: readonly number[];
  /** With `enosysForNewer`: per arch, the highest syscall number named (see withEnosysStub). */
  readonly enosysAbove?: EnosysAbove;
}

interface Target {
  readonly arch: ArchName;
  /** How includes/excludes may spell the arch. */
  readonly spellings: readonly string[];
  readonly caps: ReadonlySet<string>;
  readonly kernel: readonly [number, number] | undefined;
}

const OPS: Record<OciOperator, keyof typeof CMP> = {
  SCMP_CMP_NE: 'ne', SCMP_CMP_LT: 'lt', SCMP_CMP_LE: 'le', SCMP_CMP_EQ: 'eq',
  SCMP_CMP_GE: 'ge', SCMP_CMP_GT: 'gt', SCMP_CMP_MASKED_EQ: 'maskedEq',
};

/**
 * Checks `oci` with fromOci (ProfileError when it is malformed); a bad option is a
 * TypeError or RangeError. The result's profile is valid for validateProfile.
 */
export function resolveOci(oci: unknown, options: ResolveOciOptions = {}): ResolvedOci {
  const profile = fromOci(oci);
  const target = targetOf(options);
  const notes = new OciWarnings();
  const arches = archesFor(profile, target.arch);
  const defaultAction = actionOf(profile.defaultAction, profile.defaultErrnoRet, profile.defaultErrno, '', 'default', notes);
  const attributes = attributesOf(profile.flags, notes);
  const ctx: RuleContext = { arches, defaultAction, notes, options };
  const drafts: Draft[] = [];
  const named: string[] = [];
  (profile.syscalls ?? []).forEach((group, i) => {
    if (!applies(group, target)) return;
    const kept = rulesOf(group, i, ctx);
    named.push(...kept.names);
    for (const rule of kept.rules) drafts.push({ rule, entry: i });
  });
  const collapsed = collapse(drafts, notes);
  const resolved = validateProfile({ defaultAction, arches, rules: collapsed.map((d) => d.rule), ...(attributes && { attributes }) });
  const enosysAbove = options.enosysForNewer && stopsTheCall(defaultAction) ? highestNamed(named, arches) : undefined;
  return Object.freeze({
    profile: resolved,
    warnings: Object.freeze(notes.messages),
    details: Object.freeze(notes.details),
    entries: Object.freeze(collapsed.map((d) => d.entry)),
    ...(enosysAbove && { enosysAbove }),
  });
}

/** runc adds no stub when the default lets the call through (allow, log, trace). */
function stopsTheCall(action: Action): boolean {
  return action.kind !== 'allow' && action.kind !== 'log' && action.kind !== 'trace';
}

/** Per arch, the highest number (as seccomp_data.nr holds it) of the names the filter carries. */
function highestNamed(names: readonly string[], arches: readonly ArchName[]): EnosysAbove {
  const out: Partial<Record<ArchName, number>> = {};
  for (const arch of arches) {
    let high = -1;
    for (const name of names) {
      const nr = isSyscallName(name) ? resolveSyscall(name, arch) : -1;
      if (nr >= 0) high = Math.max(high, arch === 'x32' ? (nr | X32_SYSCALL_BIT) >>> 0 : nr);
    }
    if (high >= 0) out[arch] = high;
  }
  return Object.freeze(out);
}

function targetOf(options: ResolveOciOptions): Target {
  const arch = options.arch ?? nativeArch();
  if (!isArchName(arch)) throw new RangeError(`Unknown arch ${JSON.stringify(arch)}: use one of ${ARCH_NAMES.join(', ')}.`);
  const caps = options.capabilities ?? [];
  if (!Array.isArray(caps) || !caps.every((c) => typeof c === 'string')) {
    throw new TypeError('capabilities must be an array of names such as "CAP_SYS_ADMIN".');
  }
  return { arch, spellings: dockerSpellings(arch), caps: new Set(caps.map(capName)), kernel: kernelOf(options.kernelVersion) };
}

/** Docker's --cap-add takes "sys_admin" and "CAP_SYS_ADMIN" alike; profiles use the latter. */
function capName(cap: string): string {
  const upper = cap.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

function kernelOf(version: string | undefined): [number, number] | undefined {
  if (version === undefined) return undefined;
  const m = typeof version === 'string' ? /^(\d+)\.(\d+)/.exec(version) : null;
  if (!m) throw new RangeError(`kernelVersion must look like "5.15" or "5.15.0-91-generic", got ${JSON.stringify(version)}.`);
  return [Number(m[1]), Number(m[2])];
}

/** Docker compares major.minor only. */
function reached(kernel: readonly [number, number] | undefined, minKernel: string): boolean {
  if (!kernel) return true;
  const [major = 0, minor = 0] = minKernel.split('.').map(Number);
  return kernel[0] > major || (kernel[0] === major && kernel[1] >= minor);
}

function archesFor(profile: OciProfile, arch: ArchName): ArchName[] {
  let listed: readonly string[] = profile.architectures ?? [];
  if (profile.archMap?.length) {
    const entry = profile.archMap.find((e) => e.architecture === ARCHES[arch].oci);
    listed = entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : [];
  }
  const arches = [arch];
  for (const name of listed) {
    const a = archFromOci(name);
    if (a && !arches.includes(a)) arches.push(a);
  }
  return arches;
}

function applies(group: OciSyscall, target: Target): boolean {
  return !matchesExcludes(group.excludes, target) && matchesIncludes(group.includes, target);
}

function matchesExcludes(filter: OciFilter | null | undefined, target: Target): boolean {
  if (!filter) return false;
  if (filter.arches?.some((a) => target.spellings.includes(a))) return true;
  if (filter.caps?.some((c) => target.caps.has(c))) return true;
  return typeof filter.minKernel === 'string' && reached(target.kernel, filter.minKernel);
}

function matchesIncludes(filter: OciFilter | null | undefined, target: Target): boolean {
  if (!filter) return true;
  if (filter.arches?.length && !filter.arches.some((a) => target.spellings.includes(a))) return false;
  if (filter.caps?.length && !filter.caps.every((c) => target.caps.has(c))) return false;
  return typeof filter.minKernel !== 'string' || reached(target.kernel, filter.minKernel);
}

/**
 * runc reads errnoRet for SCMP_ACT_ERRNO and SCMP_ACT_TRACE only. podman's `errno` (a name or
 * a decimal string) replaces errnoRet before runc sees the profile, so it wins when set.
 */
function actionOf(name: OciProfile['defaultAction'], ret: number | null | undefined, named: string | null | undefined, path: string, which: 'default' | 'rule', notes: OciWarnings): Action {
  const retKey = at(path, which === 'default' ? 'defaultErrnoRet' : 'errnoRet');
  const namedKey = at(path, which === 'default' ? 'defaultErrno' : 'errno');
  const fromName = typeof named === 'string' && named !== '' ? errnoValue(named) : undefined;
  if (fromName !== undefined && ret !== undefined && ret !== null && ret !== fromName) {
    notes.add('errnoDialect', namedKey, `${JSON.stringify(named)} (${fromName}) and ${retKey} (${ret}) disagree; podman uses ${JSON.stringify(named)}`);
  }
  const value = fromName ?? ret ?? undefined;
  const usesRet = name === 'SCMP_ACT_ERRNO' || name === 'SCMP_ACT_TRACE';
  if (value !== undefined && !usesRet) notes.add('ignored', fromName !== undefined ? namedKey : retKey, `ignored with ${name} (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE read it)`);
  return fromOciAction(name, usesRet ? value : undefined);
}

function attributesOf(flags: OciProfile['flags'], notes: OciWarnings): ProfileAttributes | undefined {
  const out: { log?: boolean; specAllow?: boolean } = {};
  (flags ?? []).forEach((flag, i) => {
    if (flag === 'SECCOMP_FILTER_FLAG_LOG') out.log = true;
    else if (flag === 'SECCOMP_FILTER_FLAG_SPEC_ALLOW') out.specAllow = true;
    // TSYNC: the model synchronises threads by default (attributes.tsync), as runc always does.
    else if (flag !== 'SECCOMP_FILTER_FLAG_TSYNC') notes.add('flag', `flags[${i}]`, `${flag} has no equivalent in the SDK profile; left out`);
  });
  return Object.keys(out).length ? out : undefined;
}

interface RuleContext {
  readonly arches: readonly ArchName[];
  readonly defaultAction: Action;
  readonly notes: OciWarnings;
  readonly options: ResolveOciOptions;
}

/** A rule and the entry (`syscalls[entry]`) it came from. */
interface Draft {
  readonly rule: Rule;
  readonly entry: number;
}

/**
 * The rules one entry becomes: none (same action as the default, or no syscall left), one,
 * or one per comparison (runc's "or" when an argument has two). `names` are the syscalls the
 * filter carries from it, whatever the action (runc's ENOSYS stub counts those).
 */
function rulesOf(group: OciSyscall, entry: number, ctx: RuleContext): { rules: Rule[]; names: string[] } {
  const path = at('syscalls', entry);
  const action = actionOf(group.action, group.errnoRet, group.errno, path, 'rule', ctx.notes);
  const syscalls = knownNames(group, path, entry, ctx);
  if (actionsEqual(action, ctx.defaultAction)) {
    ctx.notes.add('sameAsDefault', path, 'same action as defaultAction, so it changes nothing (runc skips it, libseccomp refuses it); left out', { entry });
    return { rules: [], names: syscalls };
  }
  if (!syscalls.length) {
    ctx.notes.add('unknownSyscall', path, `none of its syscalls exists on ${ctx.arches.join(', ')}; left out`, { entry });
    return { rules: [], names: [] };
  }
  const args = group.args ?? [];
  const conditions = args.map((a, i) => conditionOf(a, at(at(path, 'args'), i), ctx.notes));
  const base: Rule = { syscalls, action, ...(typeof group.comment === 'string' && { comment: group.comment }) };
  if (!conditions.length) return { rules: [base], names: syscalls };
  const indexes = args.map((a) => a.index);
  if (new Set(indexes).size === indexes.length) return { rules: [{ ...base, conditions }], names: syscalls };
  const twice = indexes.find((x, i) => indexes.indexOf(x) !== i);
  ctx.notes.add('split', at(path, 'args'), `two comparisons on argument ${twice}: as runc does, one rule per comparison (the entry matches when any one holds)`, { entry });
  return { rules: conditions.map((c) => ({ ...base, conditions: [c] })), names: syscalls };
}

function knownNames(group: OciSyscall, path: string, entry: number, ctx: RuleContext): string[] {
  const listed = group.names?.length ? group.names : typeof group.name === 'string' ? [group.name] : [];
  const field = group.names?.length ? 'names' : 'name';
  const { libraryKnows, skipUnknownToLibrary } = ctx.options;
  return listed.filter((name, i) => {
    const where = field === 'names' ? at(at(path, field), i) : at(path, field);
    const why = unknownSyscall(name, ctx.arches);
    if (why) {
      ctx.notes.add('unknownSyscall', where, `${why}; left out`, { syscall: name, entry });
      return false;
    }
    if (!libraryKnows || libraryKnows(name)) return true;
    const fate = skipUnknownToLibrary
      ? 'left out, as runc does (skipUnknownToLibrary)'
      : 'kept: the SDK\'s compiler places it by number from its tables, where runc would leave it out (skipUnknownToLibrary does that)';
    ctx.notes.add('unknownToLibrary', where, `syscall ${JSON.stringify(name)} is unknown to the loaded libseccomp; ${fate}`, { syscall: name, entry });
    return !skipUnknownToLibrary;
  });
}

/**
 * libseccomp's first-rule-wins, applied to the rules as runc would add them: each syscall a
 * conflict names is taken out of the rule libseccomp drops (findRuleConflicts says which),
 * and a rule left with no syscall goes.
 */
function collapse(drafts: readonly Draft[], notes: OciWarnings): Draft[] {
  const conflicts = findRuleConflicts({ defaultAction: Action.allow, rules: drafts.map((d) => d.rule) });
  if (!conflicts.length) return [...drafts];
  const dropped = drafts.map(() => new Set<string | number>());
  for (const c of conflicts) {
    const entry = drafts[c.dropped.index]!.entry;
    const keptEntry = drafts[c.kept.index]!.entry;
    if (dropped[c.dropped.index]!.has(c.syscall)) continue;
    dropped[c.dropped.index]!.add(c.syscall);
    const why = c.kind === 'duplicate'
      ? `syscalls[${keptEntry}] decides it first (${formatAction(c.kept.action)}, no conditions)`
      : `syscalls[${keptEntry}] (${formatAction(c.kept.action)}, no conditions) overrides this conditional rule`;
    notes.add('shadowed', at('syscalls', entry), `${JSON.stringify(c.syscall)} (${formatAction(c.dropped.action)}) is shadowed: ${why}, and libseccomp keeps that rule, so runc/crun install ${formatAction(c.kept.action)}; left out`, {
      syscall: String(c.syscall), entry, keptEntry,
    });
  }
  return drafts.flatMap((d, i) => {
    const syscalls = d.rule.syscalls.filter((s) => !dropped[i]!.has(s));
    return syscalls.length ? [{ ...d, rule: { ...d.rule, syscalls } }] : [];
  });
}

/** For SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` the datum (libseccomp's datum_a, datum_b). */
function conditionOf(a: OciArg, path: string, notes: OciWarnings): Condition {
  if (isImprecise(a.value) || isImprecise(a.valueTwo)) {
    notes.add('imprecise', path, 'a number above 2^53, which JSON may have rounded; write it as a "0x…" string');
  }
  const first = parseU64(a.value) ?? 0n;
  const second = a.valueTwo === undefined || a.valueTwo === null ? 0n : (parseU64(a.valueTwo) ?? 0n);
  const op = OPS[a.op];
  if (op !== 'maskedEq') {
    if (second !== 0n) notes.add('ignored', `${path}.valueTwo`, 'only SCMP_CMP_MASKED_EQ reads it; ignored');
    return arg(a.index)[op](first);
  }
  if ((second & ~first) !== 0n) notes.add('maskBits', `${path}.valueTwo`, 'has bits outside the mask in value; libseccomp drops them');
  return arg(a.index).maskedEq(first, second);
}
