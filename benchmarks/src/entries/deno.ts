/**
 * Deno entry: @seccomp/deno (Deno.dlopen), and libseccomp bound directly with Deno.dlopen
 * for the FFI group. Output goes through Deno.stdout, not node:process: Deno builds its
 * `process` global lazily, and building it makes syscalls a filter may be checking.
 */
import * as internal from '@seccomp/core/internal';
import * as runtime from '@seccomp/deno';
import { makeSdk, type DirectFfi } from '../kit.js';
import { main } from '../scenarios/main.js';

const handles: unknown[] = [];

function direct(): DirectFfi {
  const lib = Deno.dlopen('libseccomp.so.2', {
    seccomp_api_get: { parameters: [], result: 'u32' },
    seccomp_syscall_resolve_name_arch: { parameters: ['u32', 'buffer'], result: 'i32' },
  } as const);
  handles.push(lib);
  return {
    apiGet: lib.symbols.seccomp_api_get as DirectFfi['apiGet'],
    resolveNameArch: lib.symbols.seccomp_syscall_resolve_name_arch as DirectFfi['resolveNameArch'],
  };
}

const encoder = new TextEncoder();

function print(line: string): void {
  let bytes = encoder.encode(`${line}\n`);
  while (bytes.length > 0) bytes = bytes.subarray(Deno.stdout.writeSync(bytes));
}

// One module's view: core's internals with the runtime package's bound API over them.
const sdk = makeSdk(runtime, internal);

await main({
  runtime: 'deno',
  sdk,
  direct,
  args: Deno.args,
  print,
  readFile: (path) => Deno.readFileSync(path),
  exit: (code) => Deno.exit(code),
});
