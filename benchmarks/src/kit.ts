/**
 * What a runtime entry (entries/node.ts, bun.ts, deno.ts) hands the shared scenarios: the
 * bound SDK, a raw FFI binding made without the SDK, and the few host calls that differ
 * between runtimes. Scenarios take everything from the SDK module the entry imported, so
 * one copy of core is in play per process.
 */
import type * as Core from '@seccomp/core/internal';

export type RuntimeName = 'node' | 'bun' | 'deno';

/**
 * A runtime package's module over core's internal entry (the benchmarks measure plumbing such
 * as buildFilter and planLockdown too): the bound API is `seccomp`, its SyscallFilter the bound class.
 */
export type Sdk = Omit<typeof Core, keyof Core.Seccomp> & { seccomp: Core.Seccomp };

/**
 * A runtime package's module over core's internal entry, as one Sdk. The package's `seccomp`
 * is typed by core's public declarations and the internal entry declares the same classes
 * again, so its type is restated here (the object is the one createSeccomp made).
 */
export function makeSdk(runtime: { seccomp: object }, internal: typeof Core): Sdk {
  return { ...runtime, ...internal, seccomp: runtime.seccomp as Core.Seccomp };
}

/** The two libseccomp calls of the FFI group, bound directly with the runtime's own FFI. */
export interface DirectFfi {
  apiGet(): number;
  /** seccomp_syscall_resolve_name_arch(arch_token, name) with a NUL-terminated name. */
  resolveNameArch(arch: number, name: Uint8Array): number;
}

export interface Kit {
  readonly runtime: RuntimeName;
  readonly sdk: Sdk;
  /** Binds DirectFfi on first use (dlopen is not free, so only the FFI scenario pays it). */
  direct(): DirectFfi;
  /** Arguments after the entry script. */
  readonly args: readonly string[];
  /** Writes one line to stdout synchronously (the process may exit right after). */
  print(line: string): void;
  readFile(path: string): Uint8Array;
  exit(code: number): never;
}

/** A high-resolution clock in nanoseconds (performance.now() is sub-microsecond in all three). */
export const nowNs = (): number => performance.now() * 1e6;
