/**
 * Finding and opening libseccomp, lazily: importing a runtime package never touches the
 * library, so a bundler or a macOS machine can import it; the first real call opens it.
 */
import type { NativeLibrary, RuntimeName, SeccompBackend } from './backend.js';
import { SeccompUnavailableError } from './errors.js';
import { OPTIONAL_SYMBOLS, SYMBOLS, type SymbolName } from './symbols.js';

export const DEFAULT_LIBRARY = 'libseccomp.so.2';

/**
 * SECCOMP_LIBRARY_PATH when set (and only it: a user who names a library must not silently
 * get another one), else the soname the dynamic loader finds.
 */
export function libraryCandidates(envPath: string | undefined): string[] {
  return envPath ? [envPath] : [DEFAULT_LIBRARY];
}

const INSTALL_HINT =
  'Install libseccomp (Debian/Ubuntu: apt-get install libseccomp2; Fedora/RHEL: dnf install libseccomp; ' +
  'Alpine: apk add libseccomp) or point SECCOMP_LIBRARY_PATH at libseccomp.so.2.';

/** The error a backend throws when no candidate opens. */
export function libraryLoadError(runtime: RuntimeName, failures: readonly string[]): SeccompUnavailableError {
  return new SeccompUnavailableError(
    'dlopen(libseccomp)',
    `cannot load libseccomp in ${runtime}. Tried: ${failures.join('; ')}. ${INSTALL_HINT}`,
  );
}

export interface LibraryVersion {
  major: number;
  minor: number;
  micro: number;
}

export function formatVersion(v: LibraryVersion): string {
  return `${v.major}.${v.minor}.${v.micro}`;
}

export function versionAtLeast(v: LibraryVersion, required: string): boolean {
  const [a = 0, b = 0, c = 0] = required.split('.').map(Number);
  return v.major !== a ? v.major > a : v.minor !== b ? v.minor > b : v.micro >= c;
}

/** Which optional parts of libseccomp the loaded library offers. */
export interface Capabilities {
  readonly precompute: boolean;
  readonly exportBpfMem: boolean;
  readonly transactions: boolean;
  /** Each optional symbol and whether it was bound. */
  readonly symbols: Readonly<Record<string, boolean>>;
}

export function capabilitiesOf(lib: NativeLibrary): Capabilities {
  const has = (n: SymbolName) => typeof lib.symbols[n] === 'function';
  return Object.freeze({
    precompute: has('seccomp_precompute'),
    exportBpfMem: has('seccomp_export_bpf_mem'),
    transactions: has('seccomp_transaction_start'),
    symbols: Object.freeze(Object.fromEntries(OPTIONAL_SYMBOLS.map((n) => [n, has(n)]))),
  });
}

/** Opens the backend once; every later call reuses the library (or rethrows its error). */
export function lazyLibrary(backend: SeccompBackend, options?: { seccomp?: boolean }): () => NativeLibrary {
  let lib: NativeLibrary | undefined;
  return () => (lib ??= backend.open(options));
}

/** The version a symbol needs, for SeccompVersionError. */
export function symbolSince(name: SymbolName): string {
  const spec = SYMBOLS[name] as { since?: string };
  return spec.since ?? '2.5.0';
}
