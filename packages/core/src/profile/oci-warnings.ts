/**
 * What resolveOci tells about an OCI profile, as fields: every entry of `ResolvedOci.details`
 * is also in `warnings` as `message`, so a reader can branch on `code` and print `message`.
 */

export type OciWarningCode =
  /** A field read only with some actions (errnoRet with SCMP_ACT_ALLOW, valueTwo without MASKED_EQ). */
  | 'ignored'
  /** An entry whose action is the default: runc skips it, libseccomp refuses it. */
  | 'sameAsDefault'
  /** A syscall name no table of the filter's arches knows (or that none of them has). */
  | 'unknownSyscall'
  /** A syscall the SDK's tables know but the library given as `libraryKnows` does not (runc skips those). */
  | 'unknownToLibrary'
  /** A flag the SDK's profile cannot express. */
  | 'flag'
  /** A number above 2^53 that JSON may have rounded. */
  | 'imprecise'
  /** A mask datum with bits outside the mask. */
  | 'maskBits'
  /** Two comparisons on one argument: one rule per comparison (runc's "or"). */
  | 'split'
  /** podman's `errno`/`defaultErrno` disagrees with errnoRet; podman's wins. */
  | 'errnoDialect'
  /** A syscall an earlier entry already decides: libseccomp keeps the first, so this one is left out. */
  | 'shadowed';

export interface OciWarning {
  readonly code: OciWarningCode;
  /** Where in the OCI profile: `syscalls[12]`, `syscalls[3].names[0]`, `flags[1]`. */
  readonly path: string;
  /** `path`, then what happened, as in `warnings`. */
  readonly message: string;
  /** The syscall concerned (unknownSyscall, unknownToLibrary, shadowed). */
  readonly syscall?: string;
  /** The index in `syscalls` of the entry concerned. */
  readonly entry?: number;
  /** shadowed: the index in `syscalls` of the entry whose rule libseccomp keeps. */
  readonly keptEntry?: number;
}

/** Collects warnings as fields and as text, in the order they are found. */
export class OciWarnings {
  readonly details: OciWarning[] = [];

  add(code: OciWarningCode, path: string, text: string, fields: Pick<OciWarning, 'syscall' | 'entry' | 'keptEntry'> = {}): void {
    this.details.push(Object.freeze({ code, path, message: `${path}: ${text}`, ...fields }));
  }

  get messages(): string[] {
    return this.details.map((d) => d.message);
  }
}
