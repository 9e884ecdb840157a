/**
 * What the compile group compiles: Docker's default profile for the arches Docker lists for
 * x86_64 (x86_64, x86, x32), and the two filters lockdown() builds for Node's default
 * preset. Built once in the runner and handed to every child as JSON, so the TypeScript
 * compiler, the SDK's libseccomp path and C all start from the same rules.
 *
 * x86 multiplexes the socket calls through socketcall(2); while the TypeScript compiler
 * refuses that (CompileError, feature "multiplexed"), Docker's default is measured on x86_64
 * and x32 and the result says why. Once the compiler takes x86, the group measures all three
 * without a change here.
 */
import type { ArchName, Profile } from '@seccomp/core';
import type { Sdk } from '../kit.js';

type Core = Pick<Sdk, 'resolveOci' | 'DOCKER_DEFAULT_PROFILE' | 'syscallNames' | 'planLockdown' | 'resolveLockdownOptions' | 'compileProgram' | 'CompileError'>;

export const COMPILE_SUBJECTS = {
  docker: { label: "Docker's default", note: "Docker's default profile for the arches it lists for x86_64" },
  'lockdown-args': { label: "lockdown's argument filter", note: "the allowlist with argument checks lockdown() loads first (Node's default preset)" },
  'lockdown-main': { label: "lockdown's main filter", note: "the allowlist lockdown() loads last (Node's default preset)" },
} as const;

export type CompileSubjectName = keyof typeof COMPILE_SUBJECTS;
export const COMPILE_SUBJECT_NAMES = Object.keys(COMPILE_SUBJECTS) as CompileSubjectName[];

export interface CompileSubject {
  name: CompileSubjectName;
  label: string;
  profile: Profile;
  /** The arches the program filters, in the profile's order. */
  arches: ArchName[];
  /** Why the arches differ from what the subject asks for, if they do. */
  note?: string;
}

/** Docker's arches for x86_64 (its archMap), the order libseccomp's multi-arch filters use. */
const DOCKER_ARCHES: ArchName[] = ['x86_64', 'x86', 'x32'];

/** The profile on `arches`, keeping only the names one of them has (the others are other arches' calls). */
function onArches(sdk: Core, profile: Profile, arches: ArchName[]): Profile {
  const known = new Set<string>(arches.flatMap((a) => sdk.syscallNames(a)));
  const rules = profile.rules
    .map((r) => ({ ...r, syscalls: r.syscalls.filter((s) => typeof s !== 'string' || known.has(s)) }))
    .filter((r) => r.syscalls.length > 0);
  return { ...profile, arches, rules };
}

/** Whether the TypeScript compiler refuses a profile for multiplexed socket calls (x86 today). */
function refusesMultiplexed(sdk: Core, profile: Profile, native: ArchName): boolean {
  try {
    sdk.compileProgram(profile, { nativeArch: native });
    return false;
  } catch (err) {
    if (err instanceof sdk.CompileError && err.reason === 'unsupported' && err.feature === 'multiplexed') return true;
    throw err;
  }
}

function docker(sdk: Core, native: ArchName): CompileSubject {
  const { profile } = sdk.resolveOci(sdk.DOCKER_DEFAULT_PROFILE, { arch: native });
  const all = onArches(sdk, profile, DOCKER_ARCHES);
  const base = { name: 'docker' as const, label: COMPILE_SUBJECTS.docker.label };
  if (!refusesMultiplexed(sdk, all, native)) return { ...base, profile: all, arches: DOCKER_ARCHES };
  const arches = DOCKER_ARCHES.filter((a) => a !== 'x86');
  return {
    ...base,
    profile: onArches(sdk, profile, arches),
    arches,
    note: "without x86: the TypeScript compiler does not yet compile x86's socket calls, multiplexed through socketcall(2)",
  };
}

/** The profiles of every subject, for the x86_64 host (Docker's arch list is x86_64's). */
export function compileSubjects(sdk: Core, native: ArchName): CompileSubject[] {
  if (native !== 'x86_64') throw new Error(`the compile group measures x86_64's profiles; this host is ${native}`);
  const plan = sdk.planLockdown(sdk.resolveLockdownOptions(undefined, 'node'), native);
  const lockdown = (name: 'lockdown-args' | 'lockdown-main', profile: Profile): CompileSubject =>
    ({ name, label: COMPILE_SUBJECTS[name].label, profile, arches: profile.arches?.length ? [...profile.arches] : [native] });
  return [docker(sdk, native), lockdown('lockdown-args', plan.argumentFilter), lockdown('lockdown-main', plan.mainFilter)];
}
