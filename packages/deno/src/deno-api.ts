/**
 * The slice of the `Deno` namespace this package uses, typed locally and reached through
 * globalThis. Declaring it here (rather than depending on Deno's lib types) lets tsc, tsup's
 * declaration build and `deno check` all check the same source, and keeps Deno's types out
 * of the published declarations.
 */
import { SeccompUnavailableError } from '@seccomp/core/lockdown';

/** Deno.dlopen's native types (the subset the symbol table maps to). */
export type DenoNativeType = 'void' | 'i32' | 'u32' | 'i64' | 'u64' | 'usize' | 'pointer' | 'buffer';

export interface DenoForeignFunction {
  parameters: DenoNativeType[];
  result: DenoNativeType;
  /** A missing symbol comes back as null instead of failing the whole dlopen. */
  optional?: true;
  /** The C function, when the key is another name for it. */
  name?: string;
}

/** An opaque Deno.PointerObject; null is the NULL pointer. */
export type DenoPointer = object | null;

export interface DenoDynamicLibrary {
  symbols: Record<string, ((...args: unknown[]) => unknown) | null>;
  close(): void;
}

interface DenoPointerView {
  getInt32(offset?: number): number;
  copyInto(destination: Uint8Array, offset?: number): void;
}

export interface DenoApi {
  dlopen(path: string, symbols: Record<string, DenoForeignFunction>): DenoDynamicLibrary;
  UnsafePointer: {
    of(value: Uint8Array): DenoPointer;
    create(value: bigint): DenoPointer;
    value(value: DenoPointer): bigint | number;
  };
  UnsafePointerView: {
    new (pointer: object): DenoPointerView;
    getArrayBuffer(pointer: object, byteLength: number, offset?: number): ArrayBuffer;
    getCString(pointer: object, offset?: number): string;
  };
  readonly pid: number;
  readonly build: { readonly arch: string };
  readonly env: { get(name: string): string | undefined };
}

/** The Deno namespace, or a clear error when this package is imported elsewhere. */
export function deno(): DenoApi {
  const api = (globalThis as unknown as { Deno?: DenoApi }).Deno;
  if (!api) throw new SeccompUnavailableError('Deno', '@seccomp/deno runs in Deno only; use @seccomp/node or @seccomp/bun in other runtimes.');
  return api;
}

/**
 * Whether `err` is Deno refusing a permission (NotCapable since Deno 2; PermissionDenied
 * with a flag hint before, a name Deno 2 keeps for the OS's EACCES).
 */
export function isPermissionError(err: unknown): boolean {
  const e = err as { name?: string; message?: string } | null;
  if (e?.name === 'NotCapable') return true;
  return e?.name === 'PermissionDenied' && /--allow-/.test(e.message ?? '');
}

/**
 * Runs `fn`, turning a refused permission into a SeccompUnavailableError naming the flag.
 * Deno's own message names the flag it wants, which is not always the obvious one (Deno 2.9
 * asks for --allow-all, not --allow-read, to read /proc): that one wins unless `flag` is a
 * narrower form of it (--allow-env=NAME for --allow-env).
 */
export function withPermission<T>(op: string, flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!isPermissionError(err)) throw err;
    const message = (err as Error).message;
    const wanted = /run again with the (--allow-[a-z-]+) flag/.exec(message)?.[1];
    const named = wanted && !flag.startsWith(wanted) ? wanted : flag;
    throw new SeccompUnavailableError(op, `Deno refused ${op}: run again with ${named}. (${message})`);
  }
}
