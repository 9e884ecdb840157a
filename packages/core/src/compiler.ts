/**
 * Which compiler turns a profile into BPF. The SDK's own (compile/, pure TypeScript) is the
 * default: it needs no libseccomp, is faster, and its programs are shorter; its verdicts are
 * libseccomp's (proven by the differential and corpus tests). `via: 'libseccomp'` keeps the
 * libseccomp path, for byte-identical output or to compare.
 */
import { compileProfileBpf, CompileError, type CompiledProgram } from './compile/index.js';
import type { ArchName } from './arch.js';
import type { Profile } from './profile/model.js';
import { isValidatedProfile, validateProfile } from './profile/validate.js';

export { CompileError, type CompileErrorFields, type CompileErrorReason, type CompiledProgram, type RetSource } from './compile/index.js';

/** `typescript`: the SDK's compiler (default). `libseccomp`: the loaded libseccomp, over FFI. */
export type Compiler = 'typescript' | 'libseccomp';

export const COMPILERS: readonly Compiler[] = Object.freeze(['typescript', 'libseccomp']);

/** Checks a `via` option before anything is built: undefined means the default. */
export function compilerOf(via: unknown, where: string): Compiler {
  if (via === undefined) return 'typescript';
  if (via === 'typescript' || via === 'libseccomp') return via;
  throw new TypeError(`${where}: via is "typescript" (the default) or "libseccomp", got ${JSON.stringify(via)}.`);
}

/**
 * What compile() and loadProfile() tell `onWarning`, as fields:
 * - `leftOut` (via libseccomp): `syscall` of `rules[rule]` is left out on a multi-arch profile,
 *   because the loaded libseccomp does not know it; it gets the default action (fail closed).
 * - `builtByLibseccomp`: the SDK's compiler refused the profile for `refusal` (a layout
 *   libseccomp's verdict depends on) and no `via` was given, so libseccomp built it.
 */
export type CompileWarning =
  | { readonly code: 'leftOut'; readonly syscall: string; readonly rule: number; readonly arches: readonly string[]; readonly message: string }
  | { readonly code: 'builtByLibseccomp'; readonly refusal: CompileError; readonly message: string };

export interface CompileProgramOptions {
  /** The arch a profile without arches means and whose numbers a rule's numbers are. Default: this process's. */
  readonly nativeArch?: ArchName;
}

/**
 * The profile compiled by the SDK's compiler, with what produced each return instruction
 * (`provenance`: pc → rule index, 'default' or 'badArch'). Pure: no FFI, any host, any arch.
 * Takes a profile already validated (validateProfile); throws CompileError with its reason.
 */
export function compileProgram(profile: Profile, options: CompileProgramOptions = {}): CompiledProgram {
  // A profile from validateProfile is taken as it is; anything else is checked first, so a
  // wrong value is a ProfileError naming the field, not an engine error from deep inside.
  return compileProfileBpf(isValidatedProfile(profile) ? profile : validateProfile(profile), options);
}

/**
 * The refusals where libseccomp would still build a program (its verdict then depends on how
 * it merges rules, or on a feature the SDK's compiler lacks): with no `via` given, compile()
 * hands these to libseccomp and says so. Every other refusal (too long, mixed byte orders, an
 * exact rule on a missing syscall) libseccomp would refuse as well.
 */
export function libseccompMayBuild(err: unknown): err is CompileError {
  return err instanceof CompileError && (err.reason === 'overlap' || err.reason === 'unsupported');
}
