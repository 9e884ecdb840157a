/**
 * toOci: the SDK's Profile as an OCI `linux.seccomp` object, for runc, crun, Docker
 * (`--security-opt seccomp=file.json`) or Kubernetes.
 *
 * What OCI cannot say is left out: rule priorities, `exact`, and the attributes
 * noNewPrivs (that is the OCI config's process.noNewPrivileges), optimize,
 * badArchAction, rawRc and apiTskip. `tsync` is left out too: runc synchronises every
 * thread whatever the flags say, so SECCOMP_FILTER_FLAG_TSYNC would only be noise and
 * `tsync: false` cannot be expressed. `log` and `specAllow` become flags.
 */
import { toOciAction } from '../actions.js';
import { ARCHES } from '../arch.js';
import { compareOpName, toArgCmp, type CompareOp, type Condition } from '../compare.js';
import type { Profile, ProfileAttributes, Rule } from './model.js';
import { hex } from './numbers.js';
import { fromOci } from './oci-parse.js';
import type { OciArg, OciFlag, OciOperator, OciProfile, OciSyscall, OciValue } from './oci-types.js';
import { at, guard, isDict, Problems } from './util.js';
import { validateProfile } from './validate.js';

const OPERATORS: Record<CompareOp, OciOperator> = {
  ne: 'SCMP_CMP_NE', lt: 'SCMP_CMP_LT', le: 'SCMP_CMP_LE', eq: 'SCMP_CMP_EQ',
  ge: 'SCMP_CMP_GE', gt: 'SCMP_CMP_GT', maskedEq: 'SCMP_CMP_MASKED_EQ',
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Profile → OCI. Given an OCI profile already (what fromOci returns), checks it and
 * returns it as is, so `toOci(fromOci(json))` deep-equals json.
 */
export function toOci(profile: Profile | OciProfile): OciProfile {
  if (isDict(profile) && typeof profile.defaultAction === 'string') return fromOci(profile);
  return guard('profile', () => {
    const p = validateProfile(profile);
    const problems = new Problems();
    const syscalls = p.rules.map((rule, i) => ruleToOci(rule, at('rules', i), problems));
    problems.throwIfAny();
    const { action, ret } = toOciAction(p.defaultAction);
    const out: Mutable<OciProfile> = { defaultAction: action };
    if (ret !== undefined) out.defaultErrnoRet = ret;
    if (p.arches?.length) out.architectures = p.arches.map((a) => ARCHES[a].oci);
    const flags = flagsOf(p.attributes);
    if (flags.length) out.flags = flags;
    out.syscalls = syscalls;
    return fromOci(out);
  });
}

function flagsOf(attributes: ProfileAttributes | undefined): OciFlag[] {
  const flags: OciFlag[] = [];
  if (attributes?.log) flags.push('SECCOMP_FILTER_FLAG_LOG');
  if (attributes?.specAllow) flags.push('SECCOMP_FILTER_FLAG_SPEC_ALLOW');
  return flags;
}

function ruleToOci(rule: Rule, path: string, problems: Problems): OciSyscall {
  const names: string[] = [];
  rule.syscalls.forEach((s, i) => {
    if (typeof s === 'string') names.push(s);
    else problems.add(at(at(path, 'syscalls'), i), `OCI profiles name their syscalls; write the name of syscall ${s}`);
  });
  const { action, ret } = toOciAction(rule.action);
  const out: Mutable<OciSyscall> = { names, action };
  if (ret !== undefined) out.errnoRet = ret;
  if (rule.conditions?.length) out.args = rule.conditions.map(conditionToOci);
  if (rule.comment !== undefined) out.comment = rule.comment;
  return out;
}

/**
 * Through toArgCmp, so OCI gets exactly what libseccomp would: a 32-bit eq becomes a
 * masked compare of the low word. For MASKED_EQ, value is the mask and valueTwo the datum.
 */
function conditionToOci(condition: Condition): OciArg {
  const cmp = toArgCmp(condition);
  const op = OPERATORS[compareOpName(cmp.op)];
  const arg: Mutable<OciArg> = { index: cmp.arg, value: ociValue(cmp.datumA), op };
  if (op === 'SCMP_CMP_MASKED_EQ') arg.valueTwo = ociValue(cmp.datumB);
  return arg;
}

/**
 * A number while JSON can carry it exactly; above 2^53 a `0x` string, which this SDK
 * reads back but runc does not (a Go reader needs the exact decimal, which JSON.stringify
 * cannot write for such a number).
 */
function ociValue(value: bigint): OciValue {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : hex(value);
}
