// The seed guide's second program, seccomp-BPF through libseccomp, in Deno: the same program
// as main.mjs, on Deno.dlopen. Run: deno run --allow-all examples/seed-filter-mode/main.deno.ts
// The demo starts itself as a child per filter; each child, the program proper, gets only
// --allow-ffi and --allow-env=SECCOMP_LIBRARY_PATH. The demo itself needs --allow-run and
// --allow-env to start it, and --allow-all to list a hung child's threads (Deno 2.9 grants
// /proc/<pid> to nothing less). One program alone:
//   deno run --allow-ffi --allow-env=SECCOMP_LIBRARY_PATH examples/seed-filter-mode/main.deno.ts killProcess
import { fileURLToPath } from 'node:url';
import { Action, arg, rawSyscall, resolveSyscall, SyscallFilter } from '@seccomp/deno';
import { describe, runChild } from '../shared/child.mjs';

/** What each child, the program proper, is given: libseccomp through FFI, nothing else. */
const CHILD_PERMISSIONS = ['--allow-ffi', '--allow-env=SECCOMP_LIBRARY_PATH'];

// aarch64 (like riscv64) has no dup2: there the C library's dup2(old, new) is dup3(old, new, 0),
// so the seed's program makes, and its filter names, dup3 with a zero third argument.
const DUP = resolveSyscall('dup2') >= 0 ? 'dup2' : 'dup3';
const dup = (from: number, to: number) => (DUP === 'dup2' ? rawSyscall(DUP, from, to) : rawSyscall(DUP, from, to, 0));

// Only write(2) is allowed once the filter is in: print with a raw write, nothing buffered.
function say(text: string): void {
  const line = new TextEncoder().encode(`${text}\n`);
  rawSyscall('write', 1, line, line.length);
}

function seed(defaultAction: Action): void {
  say('step 1: unrestricted');
  const filter = new SyscallFilter(defaultAction); // the seed uses SCMP_ACT_KILL
  filter.addRule(Action.allow, 'rt_sigreturn');
  filter.addRule(Action.allow, 'exit');
  filter.addRule(Action.allow, 'read');
  filter.addRule(Action.allow, 'write');
  filter.addRule(Action.allow, DUP, arg(0).eq(1), arg(1).eq(2)); // only dup2(1, 2)
  filter.load(); // TSYNC: Deno's tokio and V8 threads are filtered too
  say("step 2: only 'write' and dup2(1, 2) syscalls");
  dup(1, 2); // redirect stderr to stdout: allowed
  say('step 3: stderr redirected to stdout');
  dup(2, 42); // any other dup2: the default action
  say('step 4: !! YOU SHOULD NOT SEE ME !!');
}

const mode = Deno.args[0];
if (mode === 'killProcess') seed(Action.killProcess);
else if (mode === 'killThread') seed(Action.killThread);
else {
  // Each filter runs in a child process: it would kill this one too.
  const self = fileURLToPath(import.meta.url);
  const child = (m: string) => runChild(self, m, { runtimeArgs: ['run', ...CHILD_PERMISSIONS] });
  console.log('seed example 2 — filter mode, default Action.killProcess (what the SDK recommends)');
  console.log(`  verdict: ${describe(await child('killProcess'))}`);
  console.log('seed example 2b — the seed’s own default, SCMP_ACT_KILL = Action.killThread');
  console.log(`  verdict: ${describe(await child('killThread'))}`);
  console.log('  A thread-only kill stops the main thread while the runtime’s other threads live on.');
}
