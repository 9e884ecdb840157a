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
 *
 * What cannot be carried over is reported in `warnings` instead of failing, since a
 * profile written for many arches and kernels is expected to mention things this one
 * lacks: names no table of the resolved arches knows (Docker lists syscalls newer than
 * some tables), flags the model has no attribute for, values JSON may have rounded.
 */
import { actionsEqual, fromOciAction, type Action } from '../actions.js';
import { ARCH_NAMES, ARCHES, isArchName, nativeArch, type ArchName } from '../arch.js';
import { arg, CMP, type Condition } from '../compare.js';
import type { Profile, ProfileAttributes, Rule } from './model.js';
import { isImprecise, parseU64 } from './numbers.js';
import { archFromOci, dockerSpellings } from './oci-arches.js';
import { fromOci } from './oci-parse.js';
import type { OciArg, OciFilter, OciOperator, OciProfile, OciSyscall } from './oci-types.js';
import { unknownSyscall } from './tables.js';
import { at } from './util.js';
import { validateProfile } from './validate.js';

export interface ResolveOciOptions {
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
  const warnings: string[] = [];
  const arches = archesFor(profile, target.arch);
  const defaultAction = actionOf(profile.defaultAction, profile.defaultErrnoRet, 'defaultErrnoRet', warnings);
  const attributes = attributesOf(profile.flags, warnings);
  const rules: Rule[] = [];
  (profile.syscalls ?? []).forEach((group, i) => {
    if (!applies(group, target)) return;
    const rule = ruleOf(group, at('syscalls', i), arches, defaultAction, warnings);
    if (rule) rules.push(rule);
  });
  const resolved = validateProfile({ defaultAction, arches, rules, ...(attributes && { attributes }) });
  return Object.freeze({ profile: resolved, warnings: Object.freeze(warnings) });
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

/** runc reads errnoRet for SCMP_ACT_ERRNO and SCMP_ACT_TRACE only. */
function actionOf(name: OciProfile['defaultAction'], ret: number | null | undefined, path: string, warnings: string[]): Action {
  const usesRet = name === 'SCMP_ACT_ERRNO' || name === 'SCMP_ACT_TRACE';
  if (ret !== undefined && ret !== null && !usesRet) warnings.push(`${path}: ignored with ${name} (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE read it)`);
  return fromOciAction(name, usesRet ? (ret ?? undefined) : undefined);
}

function attributesOf(flags: OciProfile['flags'], warnings: string[]): ProfileAttributes | undefined {
  const out: { log?: boolean; specAllow?: boolean } = {};
  (flags ?? []).forEach((flag, i) => {
    if (flag === 'SECCOMP_FILTER_FLAG_LOG') out.log = true;
    else if (flag === 'SECCOMP_FILTER_FLAG_SPEC_ALLOW') out.specAllow = true;
    // TSYNC: the model synchronises threads by default (attributes.tsync), as runc always does.
    else if (flag !== 'SECCOMP_FILTER_FLAG_TSYNC') warnings.push(`flags[${i}]: ${flag} has no equivalent in the SDK profile; left out`);
  });
  return Object.keys(out).length ? out : undefined;
}

function ruleOf(group: OciSyscall, path: string, arches: readonly ArchName[], defaultAction: Action, warnings: string[]): Rule | undefined {
  const action = actionOf(group.action, group.errnoRet, at(path, 'errnoRet'), warnings);
  if (actionsEqual(action, defaultAction)) {
    warnings.push(`${path}: same action as defaultAction, so it changes nothing (runc skips it, libseccomp refuses it); left out`);
    return undefined;
  }
  const syscalls = knownNames(group, path, arches, warnings);
  if (!syscalls.length) {
    warnings.push(`${path}: none of its syscalls exists on ${arches.join(', ')}; left out`);
    return undefined;
  }
  const conditions = (group.args ?? []).map((a, i) => conditionOf(a, at(at(path, 'args'), i), warnings));
  const rule: Rule = { syscalls, action, ...(conditions.length > 0 && { conditions }) };
  return typeof group.comment === 'string' ? { ...rule, comment: group.comment } : rule;
}

function knownNames(group: OciSyscall, path: string, arches: readonly ArchName[], warnings: string[]): string[] {
  const listed = group.names?.length ? group.names : typeof group.name === 'string' ? [group.name] : [];
  const field = group.names?.length ? 'names' : 'name';
  return listed.filter((name, i) => {
    const why = unknownSyscall(name, arches);
    if (why) warnings.push(`${field === 'names' ? at(at(path, field), i) : at(path, field)}: ${why}; left out`);
    return !why;
  });
}

/** For SCMP_CMP_MASKED_EQ, `value` is the mask and `valueTwo` the datum (libseccomp's datum_a, datum_b). */
function conditionOf(a: OciArg, path: string, warnings: string[]): Condition {
  if (isImprecise(a.value) || isImprecise(a.valueTwo)) {
    warnings.push(`${path}: a number above 2^53, which JSON may have rounded; write it as a "0x…" string`);
  }
  const first = parseU64(a.value) ?? 0n;
  const second = a.valueTwo === undefined || a.valueTwo === null ? 0n : (parseU64(a.valueTwo) ?? 0n);
  const op = OPS[a.op];
  if (op !== 'maskedEq') {
    if (second !== 0n) warnings.push(`${path}.valueTwo: only SCMP_CMP_MASKED_EQ reads it; ignored`);
    return arg(a.index)[op](first);
  }
  if ((second & ~first) !== 0n) warnings.push(`${path}.valueTwo: has bits outside the mask in value; libseccomp drops them`);
  return arg(a.index).maskedEq(first, second);
}
