/**
 * Finding and opening libseccomp, lazily: importing a runtime package never touches the
 * library, so a bundler or a macOS machine can import it; the first real call opens it.
 */
import type { NativeLibrary, RuntimeName, SeccompBackend } from './backend.js';
import { SeccompUnavailableError } from './errors.js';
import { OPTIONAL_SYMBOLS, SYMBOLS, SYMBOL_NAMES, type BoundSymbols, type SymbolName, type SymbolSpec } from './symbols.js';

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

/**
 * Opens the first candidate that is libseccomp — it must bind seccomp_version, not just open
 * as some library — with the runtime's FFI (`open`). `fatal` turns an error that is not a
 * missing library (Deno without --allow-ffi) into the error to throw at once.
 */
export function openLibseccomp(
  runtime: RuntimeName,
  candidates: readonly string[],
  open: (path: string) => SymbolBinder,
  fatal?: (err: unknown) => Error | undefined,
): { bind: SymbolBinder; path: string } {
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      const bind = open(path);
      bind('seccomp_version');
      return { bind, path };
    } catch (err) {
      const stop = fatal?.(err);
      if (stop) throw stop;
      failures.push(`${path}: ${(err as Error).message}`);
    }
  }
  throw libraryLoadError(runtime, failures);
}

/** What differs between runtimes in a NativeLibrary: pointers and memory, through its FFI. */
export type MemoryOps = Pick<NativeLibrary, 'addressOf' | 'pointerFrom' | 'isNull' | 'readMemory' | 'writeMemory' | 'readCString'>;

/** libc as each backend opens it once per thread: its binder and this thread's errno word. */
export interface OpenedLibc {
  bind: SymbolBinder;
  errnoWord: Int32Array;
}

/** The C library every backend opens (glibc's soname). */
export const LIBC = 'libc.so.6';

/**
 * A NativeLibrary from what a backend opened: libc, libseccomp when wanted, and the
 * runtime's memory operations. Symbols are bound on first use (lazySymbols).
 */
export function assembleLibrary(libc: OpenedLibc, seccomp: { bind: SymbolBinder; path: string } | undefined, memory: MemoryOps): NativeLibrary {
  const { errnoWord } = libc;
  return {
    path: seccomp?.path ?? LIBC,
    symbols: lazySymbols({ seccomp: seccomp?.bind, c: libc.bind }),
    errno: () => errnoWord[0]!,
    errnoWord,
    ...memory,
  };
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

/**
 * Binds one symbol of one library: the function, or undefined when an optional symbol is
 * missing (a missing required one throws). A backend's binder binds each name once.
 */
export type SymbolBinder = (name: SymbolName) => unknown;

/**
 * The symbols a backend hands core, bound on first use. Each required symbol is a getter that
 * binds it when core first reaches for it, then holds the function, so lockdown() binds the
 * three libc calls it makes (prctl, syscall, __errno_location) and not the other forty: Deno
 * compiles a call stub per symbol (~0.2 ms each), Bun and koffi less, but none for nothing.
 * Optional symbols are bound (or found missing) now: core asks whether they exist. Only the
 * libraries given a binder get symbols.
 */
export function lazySymbols(binders: Partial<Record<SymbolSpec['lib'], SymbolBinder>>): BoundSymbols {
  const out: Record<string, unknown> = {};
  for (const name of SYMBOL_NAMES) {
    const spec: SymbolSpec = SYMBOLS[name];
    const bind = binders[spec.lib];
    if (!bind) continue;
    if (spec.optional) {
      const fn = bind(name);
      if (typeof fn === 'function') out[name] = fn;
      continue;
    }
    Object.defineProperty(out, name, {
      configurable: true,
      enumerable: true,
      get() {
        const fn = bind(name);
        Object.defineProperty(out, name, { value: fn, enumerable: true });
        return fn;
      },
    });
  }
  return out as BoundSymbols;
}

/** Wraps `bind` so each name is bound once, however many library objects share it. */
export function bindOnce(bind: SymbolBinder): SymbolBinder {
  const bound = new Map<SymbolName, unknown>();
  return (name) => {
    if (!bound.has(name)) bound.set(name, bind(name));
    return bound.get(name);
  };
}

/** The version a symbol needs, for SeccompVersionError. */
export function symbolSince(name: SymbolName): string {
  const spec = SYMBOLS[name] as { since?: string };
  return spec.since ?? '2.5.0';
}
