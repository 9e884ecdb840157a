// The seed guide's first program, SECCOMP_MODE_STRICT, in Deno — and why a JS runtime needs
// the process-wide filter instead. The same program as main.mjs, on Deno.dlopen.
// Run: deno run --allow-all examples/seed-strict-mode/main.deno.ts
// The demo starts itself as a child per mode; each child, the program proper, gets only
// --allow-ffi and --allow-env=SECCOMP_LIBRARY_PATH. The demo itself needs --allow-run and
// --allow-env to start it, and --allow-all to list a hung child's threads (Deno 2.9 grants
// /proc/<pid> to nothing less). One program alone:
//   deno run --allow-ffi --allow-env=SECCOMP_LIBRARY_PATH examples/seed-strict-mode/main.deno.ts filter
import { fileURLToPath } from 'node:url';
import { loadProfile, rawSyscall, strictMode, strictModeFilter } from '@seccomp/deno';
import { describe, runChild } from '../shared/child.mjs';

/** What each child, the program proper, is given: libseccomp through FFI, nothing else. */
const CHILD_PERMISSIONS = ['--allow-ffi', '--allow-env=SECCOMP_LIBRARY_PATH'];

// Strict mode forbids everything but read/write/_exit/sigreturn, so print with a raw write(2).
function say(text: string): void {
  const line = new TextEncoder().encode(`${text}\n`);
  rawSyscall('write', 1, line, line.length);
}

const mode = Deno.args[0];
if (mode === 'strict') {
  say('step 1: unrestricted');
  strictMode(); // prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)
  say("step 2: only 'read', 'write', '_exit' and 'sigreturn' syscalls");
  rawSyscall('dup2', 1, 2); // as in the seed: any other syscall is fatal
  say('step 3: !! YOU SHOULD NOT SEE ME !!');
} else if (mode === 'filter') {
  say('step 1: unrestricted');
  loadProfile(strictModeFilter()); // the same set, on every thread; anything else kills the process
  say('step 2: read, write, exit, exit_group, rt_sigreturn on every thread');
  rawSyscall('dup2', 1, 2);
  say('step 3: !! YOU SHOULD NOT SEE ME !!');
} else {
  const self = fileURLToPath(import.meta.url);
  const child = (m: string) => runChild(self, m, { runtimeArgs: ['run', ...CHILD_PERMISSIONS] });
  console.log('seed example 1 — strict mode (prctl PR_SET_SECCOMP, SECCOMP_MODE_STRICT)');
  console.log(`  verdict: ${describe(await child('strict'))}`);
  console.log('  Strict mode binds only the calling thread and kills only it: Deno’s tokio and V8');
  console.log('  threads keep the process alive, so it hangs. Step 2 may never print: on x86 strict mode');
  console.log('  also disables the TSC, the runtime reads it, and its fault handler makes a forbidden call.');
  console.log('  The process-wide equivalent as a filter:');
  console.log('seed example 1b — strictModeFilter() (TSYNC, killProcess)');
  console.log(`  verdict: ${describe(await child('filter'))}`);
  console.log('  Step 2 does not print on Deno: right after the filter is in, its main thread calls futex');
  console.log('  (to wake one of its own threads), and futex is not in the strict set.');
}
