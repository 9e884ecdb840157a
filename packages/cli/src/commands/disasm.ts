/**
 * `seccomp disasm`: a BPF program as one readable line per instruction, with syscall
 * names, arches and actions spelled out. A profile is compiled first, so the question
 * "what does libseccomp make of my profile" is one command.
 */
import { disassemble, disassembleLines } from '@seccomp/node';
import { expectPositionals } from '../args.js';
import { build } from '../build.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit.js';
import { readPolicy } from '../policy.js';
import { POLICY_OPTIONS, policyOptions } from '../policy-options.js';
import { plural } from '../text.js';


export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble a BPF program (or the one a profile compiles to)',
  usage: 'seccomp disasm <out.bpf|profile.json> [--arch <arch>]',
  description: `
Prints each instruction as  pc: code jt jf k  statement. Loads of seccomp_data are named
(sys_number, arch, args[1] (low)), compared syscall numbers are named for the arch the
program has just checked, and return values are decoded into actions. A JSON profile is
compiled with libseccomp first. --arch picks the byte order a raw program is read in and
the arch used before the program's own arch check (default: this machine's).`,
  options: { ...POLICY_OPTIONS },
  exitCodes: [
    [EXIT.ok, 'disassembled'],
    [EXIT.usage, 'wrong usage'],
    [EXIT.input, 'missing file, not a BPF program (size not a multiple of 8, fails the kernel\'s checks), invalid profile'],
    [EXIT.system, 'libseccomp is missing or refused the profile'],
  ],
  examples: ['seccomp disasm filter.bpf', 'seccomp disasm profile.json --json'],
  run({ values, positionals, io, json }) {
    expectPositionals(positionals, ['out.bpf'], 'disasm');
    const policy = readPolicy(positionals[0]!, policyOptions(values));
    if (policy.kind === 'profile') for (const w of policy.warnings) io.warn(`${policy.path}: ${w}`);
    const bytes = policy.kind === 'bpf' ? policy.bytes : build(policy.profile, (w) => io.warn(`${policy.path}: ${w}`)).bytes;
    const arch = policy.kind === 'bpf' ? policy.arch : policy.profile.arches?.[0];
    const opts = arch ? { arch } : {};
    if (json) {
      io.json({ input: policy.path, instructions: bytes.byteLength / 8, lines: disassembleLines(bytes, opts) });
      return EXIT.ok;
    }
    io.out(` line  CODE  JT   JF      K`);
    io.out(`=================================`);
    io.out(disassemble(bytes, opts));
    io.out(`${plural(bytes.byteLength / 8, 'instruction')}`);
    return EXIT.ok;
  },
};
