// The seed guide's first program, SECCOMP_MODE_STRICT, in Bun — and why a JS runtime needs
// the process-wide filter instead. The same program as main.mjs, on bun:ffi.
// Run: bun examples/seed-strict-mode/main.bun.ts
import { fileURLToPath } from 'node:url';
import { loadProfile, rawSyscall, strictMode, strictModeFilter } from '@seccomp/bun';
import { describe, runChild } from '../shared/child.mjs';

// Strict mode forbids everything but read/write/_exit/sigreturn, so print with a raw write(2).
function say(text: string): void {
  const line = new TextEncoder().encode(`${text}\n`);
  rawSyscall('write', 1, line, line.length);
}

const mode = process.argv[2];
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
  console.log('seed example 1 — strict mode (prctl PR_SET_SECCOMP, SECCOMP_MODE_STRICT)');
  console.log(`  verdict: ${describe(await runChild(self, 'strict'))}`);
  console.log('  Strict mode binds only the calling thread and kills only it: Bun’s other threads');
  console.log('  keep the process alive, so it hangs. Step 2 may never print: on x86 strict mode also');
  console.log('  disables the TSC, the runtime reads it, and its fault handler makes a forbidden call.');
  console.log('  The process-wide equivalent as a filter:');
  console.log('seed example 1b — strictModeFilter() (TSYNC, killProcess)');
  console.log(`  verdict: ${describe(await runChild(self, 'filter'))}`);
}
