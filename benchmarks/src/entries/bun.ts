/** Bun entry: @seccomp/bun (bun:ffi), and libseccomp bound directly with bun:ffi for the FFI group. */
import { readFileSync } from 'node:fs';
import { dlopen, FFIType } from 'bun:ffi';
import * as internal from '@seccomp/core/internal';
import * as runtime from '@seccomp/bun';
import { makeSdk, type DirectFfi } from '../kit.js';
import { main } from '../scenarios/main.js';
import { writeLine } from './write.js';

const handles: unknown[] = []; // a collected Library would take its functions with it

function direct(): DirectFfi {
  const lib = dlopen('libseccomp.so.2', {
    seccomp_api_get: { args: [], returns: FFIType.u32 },
    seccomp_syscall_resolve_name_arch: { args: [FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
  });
  handles.push(lib);
  return {
    apiGet: lib.symbols.seccomp_api_get,
    resolveNameArch: lib.symbols.seccomp_syscall_resolve_name_arch as DirectFfi['resolveNameArch'],
  };
}

// One module's view: core's internals with the runtime package's bound API over them.
const sdk = makeSdk(runtime, internal);

await main({
  runtime: 'bun',
  sdk,
  direct,
  args: process.argv.slice(2),
  print: writeLine,
  readFile: (path) => new Uint8Array(readFileSync(path)),
  exit: (code) => process.exit(code),
});
