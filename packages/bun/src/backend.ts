/** The Bun backend: libseccomp and libc through bun:ffi, plus the host operations core needs. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { CString, ptr, toArrayBuffer, type Pointer } from 'bun:ffi';
import {
  assembleLibrary, LIBC, libraryCandidates, nodeStyleHost, openLibseccomp, type MemoryOps, type NativeLibrary, type OpenedLibc, type SeccompBackend,
  type SymbolBinder,
} from '@seccomp/core/lockdown';
import { binder } from './ffi.js';

/** bun:ffi pointers are plain numbers (user-space addresses fit in 53 bits); NULL is null or 0. */
const asPointer = (pointer: unknown) => pointer as Pointer;

/**
 * The address of a view's first byte. A small typed array keeps its bytes inside the JS
 * heap cell until something asks for its ArrayBuffer; then JavaScriptCore moves them out,
 * and an address taken earlier goes stale (seen with `.subarray()` after `ptr()`). Asking
 * for the buffer first moves them now, so the address stays valid for the call it is
 * packed into. An empty view has no address: bun:ffi's ptr() returns an Error object for
 * it instead of throwing, so it becomes NULL here.
 */
function addressOf(buffer: Uint8Array): bigint {
  if (buffer.byteLength === 0) return 0n;
  void buffer.buffer;
  return BigInt(ptr(buffer));
}

/**
 * libc, bound once per thread (a worker has its own module instance): the libc-only library
 * lockdown() uses and the full one share it, so opening libseccomp later binds no libc
 * function twice.
 */
let libc: OpenedLibc | undefined;

function openLibc(): OpenedLibc {
  if (!libc) {
    const bind = binder(LIBC);
    // This thread's errno, read in place: a view made now, so reading it later calls nothing
    // and allocates nothing (see NativeLibrary.errnoWord).
    const location = bind('__errno_location') as () => unknown;
    libc = { bind, errnoWord: new Int32Array(toArrayBuffer(asPointer(location()), 0, 4)) };
  }
  return libc;
}

/** Pointers are plain numbers; memory is copied through toArrayBuffer views. */
const memory: MemoryOps = {
  addressOf,
  pointerFrom: (address) => (address === 0n ? null : Number(address)),
  isNull: (pointer) => pointer === null || pointer === 0 || pointer === undefined,
  // Copies: the ArrayBuffer toArrayBuffer() returns aliases native memory core may free.
  readMemory: (pointer, offset, length) =>
    length === 0 ? new Uint8Array(0) : new Uint8Array(toArrayBuffer(asPointer(pointer), offset, length)).slice(),
  writeMemory: (pointer, offset, bytes) => {
    if (bytes.length) new Uint8Array(toArrayBuffer(asPointer(pointer), offset, bytes.length)).set(bytes);
  },
  readCString: (pointer) => (pointer === null || pointer === 0 ? null : String(new CString(asPointer(pointer)))),
};

function openSeccomp(): { bind: SymbolBinder; path: string } {
  return openLibseccomp('bun', libraryCandidates(process.env.SECCOMP_LIBRARY_PATH), binder);
}

function open(options: { seccomp?: boolean } = {}): NativeLibrary {
  return assembleLibrary(openLibc(), (options.seccomp ?? true) ? openSeccomp() : undefined, memory);
}

export const bunBackend: SeccompBackend = {
  runtime: 'bun',
  open,
  host: nodeStyleHost({ readFileSync, readdirSync, readlinkSync, process }),
};
