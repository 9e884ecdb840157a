/** The Node backend: libseccomp and libc through koffi, plus the host operations core needs. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { libraryCandidates, libraryLoadError, type NativeLibrary, type SeccompBackend } from '@seccomp/core';
import { bindSymbols, koffi, type KoffiLib } from './ffi.js';

function openFirst(candidates: readonly string[]): { lib: KoffiLib; path: string } {
  const failures: string[] = [];
  for (const path of candidates) {
    try {
      return { lib: koffi.load(path), path };
    } catch (err) {
      failures.push(`${path}: ${(err as Error).message}`);
    }
  }
  throw libraryLoadError('node', failures);
}

function open(options: { seccomp?: boolean } = {}): NativeLibrary {
  const wanted = options.seccomp ?? true;
  const { lib, path } = wanted ? openFirst(libraryCandidates(process.env.SECCOMP_LIBRARY_PATH)) : { lib: undefined, path: 'libc.so.6' };
  const symbols = bindSymbols({ seccomp: lib, c: koffi.load('libc.so.6') });
  // This thread's errno, read in place: a view made now, so reading it later calls nothing
  // and allocates nothing (see NativeLibrary.errnoWord).
  const errnoWord = new Int32Array(koffi.view(symbols.__errno_location(), 4));
  return {
    path,
    symbols,
    errno: () => errnoWord[0]!,
    errnoWord,
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
}

export const nodeBackend: SeccompBackend = {
  runtime: 'node',
  open,
  host: {
    readTextFile: (path) => readFileSync(path, 'utf8'),
    readDir: (path) => readdirSync(path),
    readLink: (path) => readlinkSync(path),
    pid: () => process.pid,
    machine: () => process.arch,
    env: (name) => process.env[name],
  },
};
