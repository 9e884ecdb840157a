// The seed guide's second program, seccomp-BPF through libseccomp, in Node.js.
// Run: node examples/seed-filter-mode/main.mjs
import { fileURLToPath } from 'node:url';
import { Action, arg, rawSyscall, resolveSyscall, SyscallFilter } from '@seccomp/node';
import { describe, runChild } from '../shared/child.mjs';

// aarch64 (like riscv64) has no dup2: there the C library's dup2(old, new) is dup3(old, new, 0),
// so the seed's program makes, and its filter names, dup3 with a zero third argument.
const DUP = resolveSyscall('dup2') >= 0 ? 'dup2' : 'dup3';
const dup = (from, to) => (DUP === 'dup2' ? rawSyscall(DUP, from, to) : rawSyscall(DUP, from, to, 0));

const say = (text) => rawSyscall('write', 1, new TextEncoder().encode(`${text}\n`), Buffer.byteLength(text) + 1);

function seed(defaultAction) {
  say('step 1: unrestricted');
  const filter = new SyscallFilter(defaultAction); // the seed uses SCMP_ACT_KILL
  filter.addRule(Action.allow, 'rt_sigreturn');
  filter.addRule(Action.allow, 'exit');
  filter.addRule(Action.allow, 'read');
  filter.addRule(Action.allow, 'write');
  filter.addRule(Action.allow, DUP, arg(0).eq(1), arg(1).eq(2)); // only dup2(1, 2)
  filter.load();
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
  const self = fileURLToPath(import.meta.url);
  console.log('seed example 2 — filter mode, default Action.killProcess (what the SDK recommends)');
  console.log(`  verdict: ${describe(await runChild(self, 'killProcess'))}`);
  console.log('seed example 2b — the seed’s own default, SCMP_ACT_KILL = Action.killThread');
  console.log(`  verdict: ${describe(await runChild(self, 'killThread'))}`);
  console.log('  A thread-only kill stops the main thread while the runtime’s other threads live on.');
}
