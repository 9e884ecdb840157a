/** The Node backend: libseccomp and libc through koffi, plus the host operations core needs. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import {
  assembleLibrary, LIBC, libraryCandidates, nodeStyleHost, openLibseccomp, type MemoryOps, type NativeLibrary, type OpenedLibc, type SeccompBackend,
  type SymbolBinder,
} from '@seccomp/core/lockdown';
import { binder, koffi } from './ffi.js';

/**
 * libc, opened and bound once per thread (a worker has its own module instance): the
 * libc-only library lockdown() uses and the full one share it, so opening libseccomp later
 * binds no libc function twice.
 */
let libc: OpenedLibc | undefined;

function openLibc(): OpenedLibc {
  if (!libc) {
    const bind = binder(koffi.load(LIBC));
    // This thread's errno, read in place: a view made now, so reading it later calls nothing
    // and allocates nothing (see NativeLibrary.errnoWord).
    const location = bind('__errno_location') as () => unknown;
    libc = { bind, errnoWord: new Int32Array(koffi.view(location(), 4)) };
  }
  return libc;
}

/** Pointers are bigints (koffi's addresses); memory is copied through koffi.decode/encode. */
const memory: MemoryOps = {
  addressOf: (buffer) => BigInt(koffi.address(buffer) as bigint | number),
  pointerFrom: (address) => (address === 0n ? null : address),
  isNull: (pointer) => pointer === null || pointer === 0n || pointer === undefined,
  readMemory: (pointer, offset, length) =>
    new Uint8Array(koffi.decode(pointer as bigint, offset, 'uint8_t', length) as ArrayLike<number>),
  writeMemory: (pointer, offset, bytes) => {
    koffi.encode(pointer as bigint, offset, koffi.array('uint8_t', bytes.length), Array.from(bytes));
  },
  readCString: (pointer) => (pointer === null ? null : (koffi.decode(pointer as bigint, 'char', -1) as string)),
};

function openSeccomp(): { bind: SymbolBinder; path: string } {
  return openLibseccomp('node', libraryCandidates(process.env.SECCOMP_LIBRARY_PATH), (path) => binder(koffi.load(path)));
}

function open(options: { seccomp?: boolean } = {}): NativeLibrary {
  return assembleLibrary(openLibc(), (options.seccomp ?? true) ? openSeccomp() : undefined, memory);
}

export const nodeBackend: SeccompBackend = {
  runtime: 'node',
  open,
  host: nodeStyleHost({ readFileSync, readdirSync, readlinkSync, process }),
};
