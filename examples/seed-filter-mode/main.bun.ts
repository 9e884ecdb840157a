// The seed guide's second program, seccomp-BPF through libseccomp, in Bun: the same program
// as main.mjs, on bun:ffi. Run: bun examples/seed-filter-mode/main.bun.ts
import { fileURLToPath } from 'node:url';
import { Action, arg, rawSyscall, resolveSyscall, SyscallFilter } from '@seccomp/bun';
import { describe, runChild } from '../shared/child.mjs';

// aarch64 (like riscv64) has no dup2: there the C library's dup2(old, new) is dup3(old, new, 0),
// so the seed's program makes, and its filter names, dup3 with a zero third argument.
const DUP = resolveSyscall('dup2') >= 0 ? 'dup2' : 'dup3';
const dup = (from: number, to: number) => (DUP === 'dup2' ? rawSyscall(DUP, from, to) : rawSyscall(DUP, from, to, 0));

// Only write(2) is allowed once the filter is in: print with a raw write, nothing buffered.
function say(text: string): void {
  const line = new TextEncoder().encode(`${text}\n`);
  rawSyscall('write', 1, line, line.length);
}

/**
 * The seed is a one-thread C program; Bun is not. JavaScriptCore's JIT and GC threads and the
 * allocator's scavenger call futex and madvise, and start threads, on their own schedule: with
 * this list on every thread, some runs died of one of those calls before step 2 or 3. So, as
 * the seed's filter binds its only thread, this one binds the JS thread only (no TSYNC), and
 * allows the futex and madvise that thread makes to wake those helpers. Every step then prints.
 */
function seed(defaultAction: Action): void {
  say('step 1: unrestricted');
  const filter = new SyscallFilter(defaultAction, { tsync: false }); // the seed uses SCMP_ACT_KILL
  filter.addRule(Action.allow, 'rt_sigreturn');
  filter.addRule(Action.allow, 'exit');
  filter.addRule(Action.allow, 'read');
  filter.addRule(Action.allow, 'write');
  filter.addRule(Action.allow, 'futex');
  filter.addRule(Action.allow, 'madvise');
  filter.addRule(Action.allow, DUP, arg(0).eq(1), arg(1).eq(2)); // only dup2(1, 2)
  filter.load(); // the JS thread only: Bun's own threads run on unfiltered
  say("step 2: only 'write' and dup2(1, 2) syscalls");
  dup(1, 2); // redirect stderr to stdout: allowed
  say('step 3: stderr redirected to stdout');
  dup(2, 42); // any other dup2: the default action
  say('step 4: !! YOU SHOULD NOT SEE ME !!');
}

const mode = process.argv[2];
if (mode === 'killProcess') seed(Action.killProcess);
else if (mode === 'killThread') seed(Action.killThread);
else {
  // Each filter runs in a child process: it would kill this one too.
  const self = fileURLToPath(import.meta.url);
  console.log('seed example 2 — filter mode, default Action.killProcess (what the SDK recommends)');
  console.log(`  verdict: ${describe(await runChild(self, 'killProcess'))}`);
  console.log('seed example 2b — the seed’s own default, SCMP_ACT_KILL = Action.killThread');
  console.log(`  verdict: ${describe(await runChild(self, 'killThread'))}`);
  console.log('  A thread-only kill stops the main thread while the runtime’s other threads live on.');
  console.log('  (Here the filter binds the JS thread only, as the seed’s binds its only thread: Bun’s');
  console.log('  own threads call futex and madvise on their own schedule.)');
}
