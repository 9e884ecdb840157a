/**
 * The compiler's one error type. Every refusal is data: `reason` says which limit was hit and
 * the other fields name the rule, syscall and arch, so callers branch on fields, not words.
 */
import type { ArchName } from '../arch.js';

export type CompileErrorReason =
  /** A feature the compiler does not reproduce yet (`feature` names it). */
  | 'unsupported'
  /** Rules that overlap with different actions, where libseccomp's merge cannot be copied (`feature` says why). */
  | 'overlap'
  /** An exact rule names a syscall the arch lacks (libseccomp refuses it too). */
  | 'noSuchSyscall'
  /** An exact rule in a profile of several arches: libseccomp takes exact rules on one arch only. */
  | 'exactOnManyArches'
  /** A number libseccomp refuses: -1 without apiTskip, -2 … -99, no name on the native arch to translate by. */
  | 'invalidSyscall'
  /** An errno of 4095 or more: libseccomp refuses it (EINVAL); the kernel caps errno at 4095. */
  | 'invalidAction'
  /** An exact rule with conditions on a socket/IPC call the arch multiplexes (libseccomp: EINVAL). */
  | 'exactMultiplexed'
  /** Arches of both byte orders in one program: seccomp takes the program in one order. */
  | 'mixedEndian'
  /** More instructions than the kernel accepts. */
  | 'tooLong';

export interface CompileErrorFields {
  readonly reason: CompileErrorReason;
  /**
   * For 'unsupported': the missing feature's name, e.g. 'tskipSharedAbi'. For 'overlap': why
   * libseccomp's merge of the rules cannot be copied, e.g. 'eexist' (README.md lists them).
   */
  readonly feature?: string;
  readonly arch?: ArchName;
  readonly syscall?: string | number;
  /** Indexes in `profile.rules`. */
  readonly rules?: readonly number[];
  /** For 'tooLong': the program's length and the limit. */
  readonly instructions?: number;
  readonly limit?: number;
}

export class CompileError extends Error {
  override readonly name = 'CompileError';
  readonly reason: CompileErrorReason;
  readonly feature: string | undefined;
  readonly arch: ArchName | undefined;
  readonly syscall: string | number | undefined;
  readonly rules: readonly number[] | undefined;
  readonly instructions: number | undefined;
  readonly limit: number | undefined;

  constructor(fields: CompileErrorFields, message: string) {
    super(message);
    this.reason = fields.reason;
    this.feature = fields.feature;
    this.arch = fields.arch;
    this.syscall = fields.syscall;
    this.rules = fields.rules;
    this.instructions = fields.instructions;
    this.limit = fields.limit;
  }
}
