/** The Deno backend: libseccomp and libc through Deno.dlopen, plus the host operations core needs. */
import {
  assembleLibrary, LIBC, libcFileOps, libraryCandidates, openLibseccomp, SeccompUnavailableError, type MemoryOps, type NativeLibrary, type OpenedLibc, type SeccompBackend,
  type SymbolBinder,
} from '@seccomp/core/lockdown';
import { deno, isPermissionError, withPermission, type DenoApi, type DenoPointer } from './deno-api.ts';
import { binder } from './ffi.ts';

const ENV_VAR = 'SECCOMP_LIBRARY_PATH';

function ffiRefused(op: string, err: unknown): SeccompUnavailableError {
  return new SeccompUnavailableError(
    op,
    `@seccomp/deno calls libseccomp through Deno's FFI: run again with --allow-ffi. (${(err as Error).message})`,
  );
}

/** libseccomp; a missing FFI permission is not a missing library: say which flag, not how to install it. */
function openSeccomp(d: DenoApi): { bind: SymbolBinder; path: string } {
  const refused = (err: unknown) => (isPermissionError(err) ? ffiRefused('dlopen(libseccomp)', err) : undefined);
  return openLibseccomp('deno', libraryCandidates(libraryPathFromEnv(d)), (path) => binder(d, path), refused);
}

/**
 * libc, bound once per thread (a worker has its own module instance) and shared by every
 * library object: the /proc reads, the libc-only library lockdown() uses and the full one.
 */
let libc: OpenedLibc | undefined;

function openLibc(d: DenoApi): OpenedLibc {
  if (!libc) {
    const bind = binder(d, LIBC);
    let location: () => unknown;
    try {
      location = bind('__errno_location') as () => unknown;
    } catch (err) {
      throw isPermissionError(err) ? ffiRefused('dlopen(libc)', err) : err;
    }
    // This thread's errno, read in place: a view made now, so reading it later calls nothing
    // and allocates nothing (see NativeLibrary.errnoWord).
    libc = { bind, errnoWord: new Int32Array(d.UnsafePointerView.getArrayBuffer(asObject(location(), 'errno'), 4)) };
  }
  return libc;
}

function asObject(pointer: unknown, op: string): object {
  if (pointer === null || typeof pointer !== 'object') throw new TypeError(`${op}: not a Deno pointer: ${String(pointer)}`);
  return pointer;
}

/**
 * SECCOMP_LIBRARY_PATH needs env permission to be seen. Without it we cannot tell whether
 * the user named a library, and silently taking the default one could load a library they
 * chose not to use, so the error names the (narrow) flag instead.
 */
function libraryPathFromEnv(d: DenoApi): string | undefined {
  return withPermission(`reading ${ENV_VAR}`, `--allow-env=${ENV_VAR} (or --allow-env)`, () => d.env.get(ENV_VAR));
}

/** Pointers are Deno's pointer objects; memory is copied through UnsafePointerView. */
function memoryOps(d: DenoApi): MemoryOps {
  const View = d.UnsafePointerView;
  return {
    addressOf: (buffer) => BigInt(d.UnsafePointer.value(d.UnsafePointer.of(buffer))),
    pointerFrom: (address): DenoPointer => d.UnsafePointer.create(address),
    isNull: (pointer) => pointer === null || pointer === undefined,
    readMemory: (pointer, offset, length) => {
      // A copy: the view Deno hands out aliases native memory that libseccomp may free.
      const out = new Uint8Array(length);
      if (length > 0) new View(asObject(pointer, 'readMemory')).copyInto(out, offset);
      return out;
    },
    writeMemory: (pointer, offset, bytes) => {
      if (bytes.length === 0) return;
      new Uint8Array(View.getArrayBuffer(asObject(pointer, 'writeMemory'), bytes.length, offset)).set(bytes);
    },
    readCString: (pointer) => (pointer === null ? null : View.getCString(asObject(pointer, 'readCString'))),
  };
}

function open(options: { seccomp?: boolean } = {}): NativeLibrary {
  const d = deno();
  return assembleLibrary(openLibc(d), (options.seccomp ?? true) ? openSeccomp(d) : undefined, memoryOps(d));
}

/**
 * /proc reads for status() and lockdown() go through libc: Deno 2.9 asks for --allow-all
 * to read /proc with its own file API, while FFI, which this package needs anyway, is enough.
 */
let libcOnly: NativeLibrary | undefined;
const files = libcFileOps(() => (libcOnly ??= open({ seccomp: false })));

export const denoBackend: SeccompBackend = {
  runtime: 'deno',
  open,
  host: {
    ...files,
    pid: () => deno().pid,
    env: (name) => withPermission(`reading ${name}`, `--allow-env=${name} (or --allow-env)`, () => deno().env.get(name)),
  },
};
