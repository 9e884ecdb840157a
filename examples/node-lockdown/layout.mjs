// The shape of what lockdown() installs: both programs' sizes and, through the SDK's BPF
// emulator, how many instructions the kernel runs for a few common syscalls (argument filter
// + allowlist). The emulator is deterministic where timing is not. Run: node layout.mjs
import { compileLockdown, decodeLockdownBpf, emulate } from '@seccomp/node';

for (const options of [{}, { readOnlyFs: true }]) {
  const { meta, programs } = decodeLockdownBpf(compileLockdown(options));
  const [args, main] = programs;
  const count = (p, s) => emulate(p, { arch: meta.arch, syscall: s }).instructions;
  const names = ['read', 'write', 'epoll_pwait', 'futex', 'openat', 'clone', 'socket', 'execve'];
  console.log(`lockdown(${JSON.stringify(options)}): preset ${meta.preset}, ${args.length / 8} + ${main.length / 8} instructions`);
  console.log(`  executed per call: ${names.map((n) => `${n} ${count(args, n)} + ${count(main, n)}`).join(', ')}`);
}
