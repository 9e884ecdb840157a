/**
 * Compiling a profile: by the SDK's own compiler (the default; it knows every syscall of the
 * tables, needs no libseccomp, and says which rule produced each return instruction), or with
 * the loaded libseccomp (--via libseccomp). libseccomp 2.5 does not know syscalls
 * added to the kernel after it (getxattrat, mseal, listmount, …); Docker's default profile
 * lists several of them and covers x86_64, x86 and x32. Core's compile() decides what becomes
 * of them: on a filter that is not for this arch alone, a rule more permissive than the
 * default is left out (the syscall gets the default, which is stricter) and reported through
 * onWarning, and a stricter rule is refused, since leaving it out would open what the
 * profile closes. The CLI passes core's warnings on and decides nothing itself.
 */
import {
  compile, libraryVersion, nativeArch, SeccompUnavailableError, UnknownToLibraryError, validateProfile, type Compiler, type CompileWarning, type Profile, type RetSource,
} from '@seccomp/node';
import { planBuild } from '@seccomp/core/internal';
import { InputError } from './errors.js';

export interface Built {
  bytes: Uint8Array;
  /** Core's warnings: each syscall it left out of a rule, and why. */
  warnings: string[];
  /** The profile as the filter holds it: without what core left out. */
  profile: Profile;
  /** For each rule of `profile`, its index in the profile that was compiled. */
  kept: number[];
  /** The compiler that built it. */
  compiler: Compiler;
  /** From the SDK's compiler: the pc of each return → the index in `profile.rules` behind it, or 'default' / 'badArch'. */
  provenance?: ReadonlyMap<number, RetSource>;
}

/** The loaded libseccomp's version, or undefined when there is none (planBuild's question). */
function loadedLibrary(): ReturnType<typeof libraryVersion> | undefined {
  try {
    return libraryVersion();
  } catch (err) {
    if (err instanceof SeccompUnavailableError) return undefined;
    throw err;
  }
}

/**
 * The profile compiled by the SDK's compiler, as compile() would (core's planBuild makes the
 * same decision for both); undefined when libseccomp builds it instead.
 */
function ownCompiler(profile: Profile, via: Compiler | undefined, onWarning?: (message: string) => void): Built | undefined {
  const warn = (w: CompileWarning) => onWarning?.(w.code === 'builtByLibseccomp' ? `${w.refusal.message}: built by libseccomp instead (--via libseccomp chooses it)` : w.message);
  const { valid, program } = planBuild(profile, { ...(via && { via }), onWarning: warn }, nativeArch(), loadedLibrary);
  if (!program) return undefined;
  return { bytes: program.bytes, warnings: [], profile: valid, kept: valid.rules.map((_, i) => i), compiler: 'typescript', provenance: program.provenance };
}

/** compile(), with what core left out said (warnings, also passed to onWarning) and shown (profile, kept). */
export function build(profile: Profile, onWarning?: (message: string) => void, via?: Compiler): Built {
  if (via !== 'libseccomp') {
    const own = ownCompiler(profile, via, onWarning);
    if (own) return own;
  }
  const warnings: string[] = [];
  const leftOut: Extract<CompileWarning, { code: 'leftOut' }>[] = [];
  let bytes: Uint8Array;
  try {
    bytes = compile(profile, {
      via: 'libseccomp',
      onWarning: (w) => {
        warnings.push(w.message);
        if (w.code === 'leftOut') leftOut.push(w);
        onWarning?.(w.message);
      },
    });
  } catch (err) {
    // A stricter rule on a syscall this libseccomp does not know: the profile cannot be built
    // here as written, which the CLI reports as an input error (exit 3), in core's words.
    if (err instanceof UnknownToLibraryError) throw new InputError(err.message, { cause: err });
    throw err;
  }
  return { bytes, warnings, compiler: 'libseccomp', ...withoutLeftOut(profile, leftOut) };
}

/**
 * explain runs each rule of the filter alone and names it as the file does, and compile
 * counts the rules, so they need the rules the filter really holds: the profile without the
 * syscalls core's warnings say it left out (each names its rule and syscall).
 */
function withoutLeftOut(profile: Profile, leftOut: readonly { rule: number; syscall: string }[]): { profile: Profile; kept: number[] } {
  if (!leftOut.length) return { profile, kept: profile.rules.map((_, i) => i) };
  const kept: number[] = [];
  const rules = profile.rules.flatMap((r, i) => {
    const syscalls = r.syscalls.filter((s) => !leftOut.some((w) => w.rule === i && w.syscall === s));
    if (!syscalls.length) return [];
    kept.push(i);
    return [{ ...r, syscalls }];
  });
  return { profile: validateProfile({ ...profile, rules }), kept };
}
