/**
 * What a runtime package (@seccomp/node, /bun, /deno) provides. It is deliberately thin:
 * it binds SYMBOLS with its FFI, and offers the few memory and host operations core cannot
 * do in portable JavaScript. Everything else (validation, encoding, errors) lives in core.
 */
import type { BoundSymbols, Pointer } from './symbols.js';

export type RuntimeName = 'node' | 'bun' | 'deno';

/** A loaded libseccomp + libc. */
export interface NativeLibrary {
  /** The path or soname libseccomp was opened from. */
  readonly path: string;
  readonly symbols: BoundSymbols;
  /** The calling thread's errno, read right after a libc call. */
  errno(): number;
  /**
   * The calling thread's errno word itself: a view of the int `__errno_location()` points
   * to, made when the library was opened. The address belongs to the thread, and so does
   * this object (a worker opens its own). Reading `errnoWord[0]` in the statement right after
   * a call with a 32-bit result leaves no window: no FFI call and no allocation, so no
   * garbage collection (whose futex waits fail with EAGAIN) can overwrite errno first.
   */
  readonly errnoWord?: Int32Array;
  /** Address of a buffer's first byte, e.g. for sock_fprog or a raw syscall argument. */
  addressOf(buffer: Uint8Array): bigint;
  /** A pointer from an address (e.g. read out of an out-parameter). */
  pointerFrom(address: bigint): Pointer;
  isNull(pointer: Pointer): boolean;
  /** Copies `length` bytes from native memory. */
  readMemory(pointer: Pointer, offset: number, length: number): Uint8Array;
  /** Copies bytes into native memory. */
  writeMemory(pointer: Pointer, offset: number, bytes: Uint8Array): void;
  /** Reads a NUL-terminated string (null for a NULL pointer). */
  readCString(pointer: Pointer): string | null;
}

/**
 * Where to read errno right after a call: the library's errno word, or, for a library
 * without one (a test double), a cell that asks errno(). Take it before the call.
 */
export function errnoWord(lib: NativeLibrary): ArrayLike<number> {
  return lib.errnoWord ?? { length: 1, get 0() { return lib.errno(); } };
}

/** Host operations core needs but may not import (it runs on every runtime). */
export interface HostOps {
  readTextFile(path: string): string;
  readDir(path: string): string[];
  readLink(path: string): string;
  pid(): number;
  /**
   * Another CPU to report (tests). The runtime packages leave it out: the arch comes from one
   * place, nativeArch() (arch.ts), which reads the engine's own answer.
   */
  machine?(): string;
  env(name: string): string | undefined;
}

/** The node:fs and process calls Node and Bun both have, as a backend passes them in (core imports neither). */
export interface NodeStyleApis {
  readFileSync(path: string, encoding: 'utf8'): string;
  readdirSync(path: string): string[];
  readlinkSync(path: string): string;
  process: { readonly pid: number; readonly env: Record<string, string | undefined> };
}

/** HostOps over node:fs and process (Node and Bun; Deno reads /proc through libc instead). */
export function nodeStyleHost(apis: NodeStyleApis): HostOps {
  return {
    readTextFile: (path) => apis.readFileSync(path, 'utf8'),
    readDir: (path) => apis.readdirSync(path),
    readLink: (path) => apis.readlinkSync(path),
    pid: () => apis.process.pid,
    env: (name) => apis.process.env[name],
  };
}

export interface SeccompBackend {
  readonly runtime: RuntimeName;
  /**
   * Opens libseccomp (SECCOMP_LIBRARY_PATH first, then libseccomp.so.2) and libc.
   * Called lazily, once, by core; throws SeccompUnavailableError naming what was tried.
   * With `{ seccomp: false }` only libc is bound (the libseccomp symbols are absent): the
   * path that loads a precompiled BPF program on a machine without libseccomp.
   */
  open(options?: { seccomp?: boolean }): NativeLibrary;
  readonly host: HostOps;
}
