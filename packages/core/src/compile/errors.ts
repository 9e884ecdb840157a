/**
 * The compiler's one error type. Every refusal is data: `reason` says which limit was hit and
 * the other fields name the rule, syscall and arch, so callers branch on fields, not words.
 */
import type { ArchName } from '../arch.js';

export type CompileErrorReason =
  /** A feature later sessions add (multiplexed socketcall/ipc, pseudo numbers, …). */
  | 'unsupported'
  /** Two conditional rules for one syscall with different actions that can both match. */
  | 'overlap'
  /** An exact rule names a syscall the arch lacks (libseccomp refuses it too). */
  | 'noSuchSyscall'
  /** An exact rule in a profile of several arches: libseccomp takes exact rules on one arch only. */
  | 'exactOnManyArches'
  /** Arches of both byte orders in one program: seccomp takes the program in one order. */
  | 'mixedEndian'
  /** More instructions than the kernel accepts. */
  | 'tooLong';

export interface CompileErrorFields {
  readonly reason: CompileErrorReason;
  /** For 'unsupported': the missing feature's name, e.g. 'multiplexed', 'pseudoNumber'. */
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
