/** The Node backend: libseccomp and libc through koffi, plus the host operations core needs. */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { lazySymbols, libraryCandidates, openLibseccomp, type NativeLibrary, type SeccompBackend, type SymbolBinder } from '@seccomp/core/lockdown';
import { binder, koffi } from './ffi.js';

const LIBC = 'libc.so.6';

/**
 * libc, opened and bound once per thread (a worker has its own module instance): the
 * libc-only library lockdown() uses and the full one share it, so opening libseccomp later
 * binds no libc function twice.
 */
let libc: { bind: SymbolBinder; errnoWord: Int32Array } | undefined;

function openLibc(): NonNullable<typeof libc> {
  if (!libc) {
    const bind = binder(koffi.load(LIBC));
    // This thread's errno, read in place: a view made now, so reading it later calls nothing
    // and allocates nothing (see NativeLibrary.errnoWord).
    const location = bind('__errno_location') as () => unknown;
    libc = { bind, errnoWord: new Int32Array(koffi.view(location(), 4)) };
  }
  return libc;
}

function open(options: { seccomp?: boolean } = {}): NativeLibrary {
  const wanted = options.seccomp ?? true;
  const c = openLibc();
  const seccomp = wanted ? openLibseccomp('node', libraryCandidates(process.env.SECCOMP_LIBRARY_PATH), (path) => binder(koffi.load(path))) : undefined;
  const symbols = lazySymbols({ seccomp: seccomp?.bind, c: c.bind });
  const { errnoWord } = c;
  return {
    path: seccomp?.path ?? LIBC,
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
    env: (name) => process.env[name],
  },
};
