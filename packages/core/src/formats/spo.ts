/**
 * A Kubernetes Security Profiles Operator `SeccompProfile` resource. The spec is the OCI
 * profile's fields (SPO's api/seccompprofile/v1beta1/seccompprofile_types.go: defaultAction,
 * architectures, syscalls[].names/action/errnoRet/args[].index/value/valueTwo/op, flags), with
 * two limits the CRD's schema sets: no `defaultErrnoRet` (the runtime's default, EPERM, applies)
 * and argument values are int64 with minimum 0. The operator writes the spec to
 * /var/lib/kubelet/seccomp/operator/<namespace>/<name>.json on every node, which a pod names as
 * `localhostProfile: operator/<namespace>/<name>.json`.
 */
import { ProfileError } from '../errors.js';
import { describeValue } from '../input.js';
import { toOci } from '../profile/oci-export.js';
import type { Profile } from '../profile/model.js';
import { toYaml, type YamlValue } from './yaml.js';

export const SPO_API_VERSIONS = ['security-profiles-operator.x-k8s.io/v1beta1', 'security-profiles-operator.x-k8s.io/v1'] as const;
export type SpoApiVersion = (typeof SPO_API_VERSIONS)[number];

export interface ToSpoOptions {
  /** metadata.name: a DNS subdomain (lower case letters, digits, '-' and '.'). Default "seccomp-profile". */
  readonly name?: string;
  readonly namespace?: string;
  /** Default v1beta1; v1 is the operator's storage version, with the same spec. */
  readonly apiVersion?: SpoApiVersion;
}

const INT64_MAX = (1n << 63n) - 1n;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkName(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new RangeError(`${field} must be a Kubernetes name (lower case letters, digits, '-' and '.', at most 253), got ${describeValue(value)}.`);
  }
  return value;
}

/** A number while it is exact, else the bigint (the YAML writer prints both plainly). */
function exact(v: bigint): number | bigint {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function bigOf(v: unknown): bigint {
  return typeof v === 'bigint' ? v : typeof v === 'string' ? BigInt(v) : BigInt(v as number);
}

/**
 * The resource as an object (what the YAML says). Takes an SDK profile: an OCI one is resolved
 * for its arch first (resolveOci), since the CRD has no includes/excludes. Throws ProfileError
 * for what the CRD cannot hold.
 */
export function toSpoResource(profile: Profile, options: ToSpoOptions = {}): Record<string, YamlValue> {
  const name = checkName(options.name, 'options.name') ?? 'seccomp-profile';
  const namespace = checkName(options.namespace, 'options.namespace');
  const apiVersion = options.apiVersion ?? SPO_API_VERSIONS[0];
  if (!(SPO_API_VERSIONS as readonly string[]).includes(apiVersion)) throw new RangeError(`options.apiVersion must be one of ${SPO_API_VERSIONS.join(', ')}, got ${describeValue(apiVersion)}.`);
  const oci = toOci(profile);
  const problems: string[] = [];
  if (oci.defaultErrnoRet !== undefined && oci.defaultErrnoRet !== null && oci.defaultErrnoRet !== 1) {
    problems.push(`defaultAction: a SeccompProfile has no defaultErrnoRet, so the default errno is EPERM; this profile's is ${oci.defaultErrnoRet}`);
  }
  const syscalls = (oci.syscalls ?? []).map((s, i) => {
    const args = (s.args ?? []).map((a, j) => {
      const value = bigOf(a.value);
      const valueTwo = bigOf(a.valueTwo ?? 0);
      if (value > INT64_MAX || valueTwo > INT64_MAX) problems.push(`syscalls[${i}].args[${j}]: a SeccompProfile holds values up to 2^63-1 (int64, minimum 0)`);
      return { index: a.index, value: exact(value), ...(valueTwo !== 0n && { valueTwo: exact(valueTwo) }), op: a.op };
    });
    return {
      names: [...(s.names ?? (s.name ? [s.name] : []))],
      action: s.action,
      ...(s.errnoRet !== undefined && s.errnoRet !== null && { errnoRet: s.errnoRet }),
      ...(args.length ? { args } : {}),
    };
  });
  if (problems.length) throw new ProfileError(problems);
  const spec: Record<string, YamlValue> = { defaultAction: oci.defaultAction };
  if (oci.architectures?.length) spec.architectures = [...oci.architectures];
  if (syscalls.length) spec.syscalls = syscalls;
  if (oci.flags?.length) spec.flags = [...oci.flags];
  return { apiVersion, kind: 'SeccompProfile', metadata: { name, ...(namespace && { namespace }) }, spec };
}

/** The resource as YAML, ready for `kubectl apply -f`. */
export function toSpo(profile: Profile, options: ToSpoOptions = {}): string {
  return toYaml(toSpoResource(profile, options));
}
