/** Node entry: @seccomp/node (koffi), and libseccomp bound directly with koffi for the FFI group. */
import { readFileSync } from 'node:fs';
import koffi from 'koffi';
import * as internal from '@seccomp/core/internal';
import * as runtime from '@seccomp/node';
import { makeSdk, type DirectFfi } from '../kit.js';
import { main } from '../scenarios/main.js';
import { writeLine } from './write.js';

function direct(): DirectFfi {
  const lib = koffi.load('libseccomp.so.2');
  return {
    apiGet: lib.func('unsigned int seccomp_api_get(void)') as DirectFfi['apiGet'],
    resolveNameArch: lib.func('int seccomp_syscall_resolve_name_arch(uint32_t arch, void *name)') as DirectFfi['resolveNameArch'],
  };
}

// One module's view: core's internals with the runtime package's bound API over them.
const sdk = makeSdk(runtime, internal);

await main({
  runtime: 'node',
  sdk,
  direct,
  args: process.argv.slice(2),
  print: writeLine,
  readFile: (path) => new Uint8Array(readFileSync(path)),
  exit: (code) => process.exit(code),
});
