/**
 * The OCI runtime-spec `linux.seccomp` object, plus the fields Docker's profile format
 * adds (archMap, includes/excludes, comment, the older single `name`). Optional fields
 * may be null because Go writes nil slices that way; fromOci keeps nulls as found so a
 * profile survives the trip through this SDK byte for byte (after JSON.parse).
 */
import type { OciActionName } from '../actions.js';

export const OCI_OPERATORS = [
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
] as const;
export type OciOperator = (typeof OCI_OPERATORS)[number];

/** The seccomp(2) filter flags the runtime-spec lets a profile ask for. */
export const OCI_FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;
export type OciFlag = (typeof OCI_FLAGS)[number];

/** A u64 as JSON: a number (exact only up to 2^53), or, as this SDK's extension, a decimal or `0x` string. */
export type OciValue = number | string;

export interface OciArg {
  /** Argument index, 0–5. */
  readonly index: number;
  /** The datum; for SCMP_CMP_MASKED_EQ, the mask (libseccomp's datum_a). */
  readonly value: OciValue;
  /** SCMP_CMP_MASKED_EQ only: what `arg & value` must equal (libseccomp's datum_b). Default 0. */
  readonly valueTwo?: OciValue | null;
  readonly op: OciOperator;
}

/** Docker: when a syscall group applies. */
export interface OciFilter {
  /** Docker's arch spellings (`amd64`, `arm64`, `x32`, …); this SDK's names match too. */
  readonly arches?: readonly string[] | null;
  /** `CAP_SYS_ADMIN`, … */
  readonly caps?: readonly string[] | null;
  /** `"4.8"`: major.minor. */
  readonly minKernel?: string | null;
}

export interface OciSyscall {
  readonly names?: readonly string[] | null;
  /** Docker's older form of `names` with one entry; never both. */
  readonly name?: string | null;
  readonly action: OciActionName;
  /** Errno for SCMP_ACT_ERRNO (default EPERM), message for SCMP_ACT_TRACE. */
  readonly errnoRet?: number | null;
  /**
   * Podman's dialect (containers-common): the errno by name ("EPERM") or as a decimal string;
   * when set it wins over errnoRet, as podman reads it. runc and Docker do not know it.
   */
  readonly errno?: string | null;
  readonly args?: readonly OciArg[] | null;
  readonly comment?: string | null;
  readonly includes?: OciFilter | null;
  readonly excludes?: OciFilter | null;
}

export interface OciArchMapEntry {
  /** `SCMP_ARCH_X86_64` */
  readonly architecture: string;
  readonly subArchitectures?: readonly string[] | null;
}

export interface OciProfile {
  readonly defaultAction: OciActionName;
  readonly defaultErrnoRet?: number | null;
  /** Podman's dialect: defaultErrnoRet by name ("ENOSYS"); when set it wins, as podman reads it. */
  readonly defaultErrno?: string | null;
  /** `SCMP_ARCH_*` names. Docker: never together with archMap. */
  readonly architectures?: readonly string[] | null;
  /** Docker: the arches to use, chosen by the host's arch. */
  readonly archMap?: readonly OciArchMapEntry[] | null;
  readonly flags?: readonly OciFlag[] | null;
  readonly listenerPath?: string | null;
  readonly listenerMetadata?: string | null;
  readonly syscalls?: readonly OciSyscall[] | null;
}
