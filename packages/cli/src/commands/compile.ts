/**
 * `seccomp compile`: a profile (SDK or OCI JSON) to a BPF program — the SDK's compiler's by
 * default, libseccomp's with --via libseccomp — ready for `loadBpf()` / `lockdown({ bpf })` on a machine without libseccomp, or for
 * `disasm` and `explain`.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { formatAction, type Compiler, type Profile } from '@seccomp/node';
import { expectPositionals, stringOpt } from '../args.js';
import { build } from '../build.js';
import type { Command } from '../command.js';
import { UsageError, InputError } from '../errors.js';
import { EXIT } from '../exit.js';
import { ignoredOciOptions, parseOptimize, readPolicy, withStub } from '../policy.js';
import { OCI_BUILD_OPTIONS, POLICY_OPTIONS, ociBuildOptions, policyOptions } from '../policy-options.js';
import { plural } from '../text.js';

export function summarise(profile: Profile): { arches: string[]; defaultAction: string; rules: number; syscalls: number } {
  const names = new Set(profile.rules.flatMap((r) => r.syscalls.map(String)));
  return { arches: [...(profile.arches ?? [])], defaultAction: formatAction(profile.defaultAction), rules: profile.rules.length, syscalls: names.size };
}

/** --via: undefined keeps compile()'s default (the SDK's compiler, libseccomp when it must). */
export function parseVia(text: string | undefined): Compiler | undefined {
  if (text === undefined) return undefined;
  if (text === 'typescript' || text === 'libseccomp') return text;
  throw new UsageError(`--via is typescript or libseccomp, got "${text}"`, 'compile');
}

export const compileCommand: Command = {
  name: 'compile',
  summary: 'compile a profile (SDK or OCI JSON) to a BPF program',
  usage: 'seccomp compile <profile.json> -o <out.bpf> [--arch <arch>,…] [--via typescript|libseccomp] [--optimize 1|2] [--skip-unknown-to-library] [--enosys-newer]',
  description: `
Compiles the profile and writes the BPF program: 8 bytes per instruction, in the target
arch's byte order. The SDK's own compiler is the default: it needs no libseccomp, knows
every syscall of the SDK's tables, and gives libseccomp's verdicts in fewer instructions
(dispatch by binary search). --via libseccomp builds with the loaded libseccomp instead
(its exact bytes; --optimize picks its layout). A profile the SDK's compiler cannot prove
libseccomp-equal (overlapping rules) is built by libseccomp, with a warning. The input may be the SDK's profile JSON
({ defaultAction, rules }) or an OCI/Docker seccomp profile ({ defaultAction, syscalls });
the format is detected from the content. An OCI profile is resolved the way Docker and
runc would for the first --arch (archMap, includes/excludes, errnoRet); what cannot be
carried over is printed as a warning, and so is each syscall it names that the loaded
libseccomp does not know (kept, by number; --skip-unknown-to-library leaves them out, as
runc does). --enosys-newer puts runc's stub in front of the program: a syscall number above
the highest the profile names, per arch, gets ENOSYS instead of the default action.
Any arch compiles on any host, in its own byte order; --via libseccomp builds only arches of
this host's byte order that the loaded libseccomp knows.`,
  options: {
    output: { type: 'string', short: 'o', value: 'out.bpf', description: 'where to write the program (required)' },
    ...POLICY_OPTIONS,
    ...OCI_BUILD_OPTIONS,
    via: { type: 'string', value: 'typescript|libseccomp', description: 'the compiler: the SDK\'s own (default) or the loaded libseccomp' },
    optimize: { type: 'string', value: '1|2', description: 'libseccomp layout (--via libseccomp): 1 = linear by priority (default), 2 = binary tree' },
  },
  exitCodes: [
    [EXIT.ok, 'the program was written'],
    [EXIT.usage, 'wrong usage (no -o, unknown arch, bad --optimize)'],
    [EXIT.input, 'missing or unreadable file, malformed JSON, invalid profile, unknown syscall, a profile no program can hold (too long, mixed byte orders), an arch --via libseccomp cannot build here'],
    [EXIT.system, 'libseccomp is missing or refused the profile'],
  ],
  examples: ['seccomp compile profile.json -o filter.bpf', 'seccomp compile docker-default.json -o x86.bpf --arch x86_64,x32,x86', 'seccomp compile profile.json -o filter.bpf --via libseccomp --optimize 2', 'seccomp compile docker-default.json -o s390x.bpf --arch s390x', 'seccomp compile runc-profile.json -o f.bpf --skip-unknown-to-library --enosys-newer'],
  run({ values, positionals, io, json }) {
    expectPositionals(positionals, ['profile.json'], 'compile');
    const out = stringOpt(values, 'output');
    if (!out) throw new UsageError('missing -o <out.bpf>: where to write the program', 'compile');
    const optimize = parseOptimize(stringOpt(values, 'optimize'));
    const via = parseVia(stringOpt(values, 'via'));
    if (optimize && via !== 'libseccomp') throw new UsageError('--optimize picks libseccomp\'s layout: add --via libseccomp (the SDK\'s compiler always dispatches by binary search)', 'compile');
    const options = { ...policyOptions(values), ...ociBuildOptions(values), ...(optimize && { optimize }) };
    const policy = readPolicy(positionals[0]!, options, false);
    if (policy.kind !== 'profile') throw new InputError(`${policy.path}: already a BPF program`);
    const readWarnings = [...policy.warnings, ...ignoredOciOptions(policy, options)];
    for (const w of readWarnings) io.warn(`${policy.path}: ${w}`);
    const built = build(policy.profile, (w) => io.warn(`${policy.path}: ${w}`), via);
    const { bytes: bpf } = withStub(policy, built.bytes);
    writeFileSync(out, bpf);
    const sha256 = createHash('sha256').update(bpf).digest('hex');
    const summary = summarise(built.profile);
    const warnings = [...readWarnings, ...built.warnings];
    const enosysAbove = policy.enosysAbove ?? null;
    const result = { input: policy.path, format: policy.format, output: out, bytes: bpf.byteLength, instructions: bpf.byteLength / 8, sha256, ...summary, compiler: built.compiler, optimize: built.compiler === 'libseccomp' ? policy.profile.attributes?.optimize ?? 1 : null, enosysAbove, warnings, details: policy.details };
    if (json) {
      io.json(result);
      return EXIT.ok;
    }
    io.out(`${out}: ${plural(result.instructions, 'instruction')} (${result.bytes} bytes), sha256 ${sha256.slice(0, 16)}…`);
    io.out(`  from     ${policy.path} (${policy.format === 'oci' ? 'OCI profile' : 'SDK profile'})`);
    io.out(`  arches   ${summary.arches.join(', ')}`);
    io.out(`  default  ${summary.defaultAction}`);
    io.out(`  rules    ${plural(summary.rules, 'rule')} over ${plural(summary.syscalls, 'syscall')}`);
    io.out(`  compiler ${built.compiler === 'typescript' ? 'the SDK\'s (TypeScript)' : 'libseccomp'}`);
    io.out(`  layout   ${result.optimize === null ? 'binary search on the syscall number' : result.optimize === 2 ? 'binary tree (--optimize 2)' : 'linear by priority (--optimize 1)'}`);
    if (enosysAbove) io.out(`  enosys   above ${Object.entries(enosysAbove).map(([arch, nr]) => `${nr} on ${arch}`).join(', ')} (runc's stub, --enosys-newer)`);
    return EXIT.ok;
  },
};
