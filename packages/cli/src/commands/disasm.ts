/**
 * `seccomp disasm`: a BPF program as one readable line per instruction, with syscall
 * names, arches and actions spelled out. A profile is compiled first, so the question
 * "what does the compiler make of my profile" is one command; with the SDK's compiler each
 * return also names the rule it stands for (from the compiler's provenance, not a guess).
 */
import { disassemble, disassembleLines, type RetSource } from '@seccomp/node';
import { expectPositionals, stringOpt } from '../args.js';
import { build } from '../build.js';
import { parseVia } from './compile.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit.js';
import { ignoredOciOptions, readPolicy, withStub } from '../policy.js';
import { OCI_BUILD_OPTIONS, POLICY_OPTIONS, ociBuildOptions, policyOptions } from '../policy-options.js';
import { plural } from '../text.js';


/** What a return stands for, in the file's own terms: rules[3], syscalls[12], default, bad arch. */
function originText(source: RetSource | undefined, origins: readonly string[]): string | undefined {
  if (source === undefined) return undefined;
  if (source === 'default') return 'default action';
  if (source === 'badArch') return 'bad-arch action';
  return origins[source] ?? `rules[${source}]`;
}

export const disasmCommand: Command = {
  name: 'disasm',
  summary: 'disassemble a BPF program (or the one a profile compiles to)',
  usage: 'seccomp disasm <out.bpf|profile.json> [--arch <arch>] [--skip-unknown-to-library] [--enosys-newer]',
  description: `
Prints each instruction as  pc: code jt jf k  statement. Loads of seccomp_data are named
(sys_number, arch, args[1] (low)), compared syscall numbers are named for the arch the
program has just checked, and return values are decoded into actions. A JSON profile is
compiled first (the SDK's compiler, or --via libseccomp); with the SDK's compiler every
return names the rule behind it (rules[i], or syscalls[i] for an OCI profile), the default
action or the bad-arch action. --arch picks the byte order a raw program is read in and
the arch used before the program's own arch check (default: this machine's).
--skip-unknown-to-library and --enosys-newer read an OCI profile as \`seccomp compile\` does;
the ENOSYS stub's instructions come first.`,
  options: {
    ...POLICY_OPTIONS,
    ...OCI_BUILD_OPTIONS,
    via: { type: 'string', value: 'typescript|libseccomp', description: 'the compiler that builds a profile: the SDK\'s own (default) or the loaded libseccomp' },
  },
  exitCodes: [
    [EXIT.ok, 'disassembled'],
    [EXIT.usage, 'wrong usage'],
    [EXIT.input, 'missing file, not a BPF program (size not a multiple of 8, fails the kernel\'s checks), invalid profile'],
    [EXIT.system, 'libseccomp is missing or refused the profile'],
  ],
  examples: ['seccomp disasm filter.bpf', 'seccomp disasm profile.json --json'],
  run({ values, positionals, io, json }) {
    expectPositionals(positionals, ['out.bpf'], 'disasm');
    const options = { ...policyOptions(values), ...ociBuildOptions(values) };
    const policy = readPolicy(positionals[0]!, options);
    for (const w of [...(policy.kind === 'profile' ? policy.warnings : []), ...ignoredOciOptions(policy, options)]) io.warn(`${policy.path}: ${w}`);
    const built = policy.kind === 'bpf' ? undefined : build(policy.profile, (w) => io.warn(`${policy.path}: ${w}`), parseVia(stringOpt(values, 'via')));
    // With --enosys-newer the stub comes first: the compiler's pcs move by its length.
    const { bytes, offset } = built ? withStub(policy, built.bytes) : { bytes: (policy as { bytes: Uint8Array }).bytes, offset: 0 };
    const arch = policy.kind === 'bpf' ? policy.arch : policy.profile.arches?.[0];
    const opts = arch ? { arch } : {};
    const origins = policy.kind === 'profile' && built ? built.kept.map((i) => policy.origins[i]!) : [];
    const sourceOf = (pc: number) => (pc < offset ? 'ENOSYS stub (--enosys-newer)' : originText(built?.provenance?.get(pc - offset), origins));
    if (json) {
      const lines = disassembleLines(bytes, opts).map((l) => ({ ...l, ...(sourceOf(l.pc) !== undefined && { source: sourceOf(l.pc) }) }));
      io.json({ input: policy.path, ...(built && { compiler: built.compiler }), instructions: bytes.byteLength / 8, lines });
      return EXIT.ok;
    }
    io.out(` line  CODE  JT   JF      K`);
    io.out(`=================================`);
    const text = disassemble(bytes, opts).split('\n');
    io.out(text.map((line, pc) => (sourceOf(pc) === undefined ? line : `${line}  ${io.style.dim(`← ${sourceOf(pc)}`)}`)).join('\n'));
    io.out(`${plural(bytes.byteLength / 8, 'instruction')}`);
    return EXIT.ok;
  },
};
