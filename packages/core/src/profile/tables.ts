/**
 * The one place the profile layer asks the syscall tables about names, so validation
 * and OCI resolution agree on what "a syscall on this arch" means.
 */
import { ARCH_NAMES, ARCHES, nativeArch, type ArchName } from '../arch.js';
import { isMultiplexedName, isSyscallName, suggestSyscalls, syscallNames } from '../syscalls/index.js';
import { quote } from './util.js';

const byArch = new Map<ArchName, ReadonlySet<string>>();

function namesOn(arch: ArchName): ReadonlySet<string> {
  let set = byArch.get(arch);
  if (!set) {
    set = new Set(syscallNames(arch));
    byArch.set(arch, set);
  }
  return set;
}

/**
 * Whether `arch` has the syscall: a number in its table, or, where socket and IPC calls
 * go through socketcall(2)/ipc(2), a name libseccomp turns into that (x86 `accept`).
 */
export function knownOn(name: string, arch: ArchName): boolean {
  if (namesOn(arch).has(name)) return true;
  const info = ARCHES[arch];
  return (info.socketcall !== undefined || info.ipc !== undefined) && isMultiplexedName(name);
}

/**
 * The arches a profile's names are checked against: its own list, else the native arch
 * (what an empty list means to a filter), else every table when the runtime cannot say.
 */
export function checkedArches(arches: readonly ArchName[] | undefined): readonly ArchName[] {
  if (arches?.length) return arches;
  try {
    return [nativeArch()];
  } catch {
    return ARCH_NAMES;
  }
}

/** Why `name` is not a syscall on any of `arches`, or undefined when it is one on some. */
export function unknownSyscall(name: string, arches: readonly ArchName[]): string | undefined {
  if (arches.some((a) => knownOn(name, a))) return undefined;
  if (isSyscallName(name)) {
    const elsewhere = ARCH_NAMES.filter((a) => knownOn(name, a));
    const shown = elsewhere.slice(0, 4).join(', ') + (elsewhere.length > 4 ? ` and ${elsewhere.length - 4} more` : '');
    const where = elsewhere.length ? ` (only on ${shown})` : '';
    return `syscall ${quote(name)} does not exist on ${arches.join(', ')}${where}`;
  }
  // Suggesting is a fuzzy search over every name: not worth it for text no syscall resembles.
  const guesses = name.length <= 64 ? suggestSyscalls(name).slice(0, 3) : [];
  const hint = guesses.length ? ` (did you mean ${guesses.map((g) => `"${g}"`).join(' or ')}?)` : '';
  return `unknown syscall ${quote(name)}${hint}`;
}
