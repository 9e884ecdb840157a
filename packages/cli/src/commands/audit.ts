/**
 * `seccomp audit`: what a profile lets through that its author may not have meant. Every
 * verdict here comes from running the compiled filter in the emulator, so the findings are
 * about what the kernel would do, not about how the JSON reads.
 */
import {
  decodeBpf, findRuleConflicts, formatAction, nativeArch, prepare, syscallNames, archInfo,
  type ArchName, type Profile, type Rule,
} from '@seccomp/node';
import { conflictMessage } from '@seccomp/core/internal';
import { expectPositionals } from '../args.js';
import { build } from '../build.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit.js';
import { detectFormat, parseJson, readBytes, readProfileJson, type ProfilePolicy } from '../policy.js';
import { POLICY_OPTIONS, policyOptions } from '../policy-options.js';
import { plural } from '../text.js';
import { entryPointFindings } from './audit-entry.js';
import { nameFindings, sdkArches, withoutUnknownNames } from './audit-names.js';
import { codeOf, Verdicts, type Finding, type Severity } from './audit-types.js';

export type { Finding, Severity } from './audit-types.js';

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What libseccomp keeps when rules conflict: the dropped rule loses that syscall. */
function withoutDropped(profile: Profile, origins: readonly string[], findings: Finding[]): Profile {
  const conflicts = findRuleConflicts(profile);
  const drop = new Map<number, Set<string | number>>();
  for (const c of conflicts) {
    // Core numbers the rules it was given; say where they are in the file.
    const message = conflictMessage(c, (i) => origins[i] ?? `rules[${i}]`);
    findings.push({ severity: 'warning', ...codeOf(c.kind === 'swallowed' ? 'shadowed-rule' : 'duplicate-rule'), message });
    const set = drop.get(c.dropped.index) ?? new Set();
    set.add(c.syscall);
    drop.set(c.dropped.index, set);
  }
  if (!drop.size) return profile;
  const rules = profile.rules.flatMap((rule, i): Rule[] => {
    const gone = drop.get(i);
    if (!gone) return [rule];
    const syscalls = rule.syscalls.filter((s) => !gone.has(s));
    return syscalls.length ? [{ ...rule, syscalls }] : [];
  });
  return { ...profile, rules };
}

function defaultFindings(profile: Profile, findings: Finding[]): void {
  const d = profile.defaultAction;
  if (d.kind === 'allow') {
    findings.push({ severity: 'warning', ...codeOf('permissive-default'), message: 'the default action is allow: a deny-list, so every syscall not listed runs, including ones newer kernels add; prefer allowing what is needed and denying the rest' });
  } else if (d.kind === 'log') {
    findings.push({ severity: 'warning', ...codeOf('permissive-default'), message: 'the default action is log: nothing is stopped, calls are only logged (an audit-mode profile)' });
  } else if (d.kind === 'killThread') {
    findings.push({ severity: 'warning', ...codeOf('kill-thread'), message: 'the default action kills only the calling thread: in a multi-threaded runtime the main thread dies while the others keep the process alive, and it hangs; use killProcess' });
  }
  if (profile.attributes?.badArchAction?.kind === 'killThread') {
    findings.push({ severity: 'warning', ...codeOf('kill-thread'), message: 'attributes.badArchAction kills only the calling thread (the process hangs); use killProcess' });
  }
}

function execAndUringFindings(v: Verdicts, arch: ArchName, findings: Finding[]): void {
  const has = (n: string) => syscallNames(arch).includes(n as never);
  const exec = ['execve', 'execveat'].filter((n) => has(n) && v.runs(arch, n));
  if (exec.length) {
    findings.push({ severity: 'warning', ...codeOf('exec-allowed'), message: `${exec.join(' and ')} ${exec.length > 1 ? 'are' : 'is'} allowed: a compromised process can start other programs (they inherit this filter, and can do anything it allows)` });
  }
  const uring = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'].filter((n) => has(n) && v.runs(arch, n));
  if (uring.includes('io_uring_setup')) {
    findings.push({ severity: 'high', ...codeOf('io-uring-allowed'), message: `${uring.join(', ')} allowed: operations submitted through an io_uring (openat, read, write, connect, …) are done by the kernel without the syscalls this filter checks` });
  } else if (uring.length) {
    findings.push({ severity: 'info', ...codeOf('io-uring-allowed'), message: `${uring.join(', ')} allowed but io_uring_setup is not: rings opened before the filter keep working, with the same blind spot` });
  }
}

export function auditProfile(policy: ProfilePolicy, findings: Finding[]): void {
  const profile = withoutDropped(policy.profile, policy.origins, findings);
  const primary = profile.arches?.[0] ?? nativeArch();
  // Core's report of syscalls this libseccomp does not know, left out on a multi-arch filter.
  const { bytes } = build(profile, (message) => findings.push({ severity: 'info', ...codeOf('libseccomp'), message }));
  const v = new Verdicts(prepare(decodeBpf(bytes, archInfo(primary).endian), archInfo(primary).endian));
  defaultFindings(profile, findings);
  execAndUringFindings(v, primary, findings);
  entryPointFindings(v, profile, primary, findings);
}

const ORDER: Record<Severity, number> = { high: 0, warning: 1, info: 2 };

export const auditCommand: Command = {
  name: 'audit',
  summary: 'find what a profile lets through: other ABIs, exec, io_uring, permissive default, shadowed rules, unknown names',
  usage: 'seccomp audit <profile.json> [--arch <arch>,…]',
  description: `
Compiles the profile and runs calls through the emulator to report:
  - entry points left open: a syscall stopped on the native arch that runs through another
    ABI the kernel accepts (x86_64: i386 int 0x80 and x32; aarch64: AArch32), including
    socket and IPC calls through socketcall(2)/ipc(2);
  - execve/execveat allowed, io_uring allowed (its operations bypass seccomp);
  - a permissive default (allow, log), and thread-only kills that hang a runtime;
  - conditional rules an unconditional one shadows, and disagreeing duplicates (libseccomp
    silently keeps one);
  - syscall names no table knows (unknown-syscall, with suggestions), and names that are
    syscalls of other ABIs but not of the profile's arches (not-on-arch), each name once.
A syscall counts as stopped when any call of it is: the comparison probes each one with the
argument values its rules test (and their neighbours), so socket(AF_VSOCK) denied on x86_64
but allowed through x86's socketcall(2) is found. With --json every finding carries fields:
code, severity, message, and where they apply syscall, arch, arches, existsOn, path,
occurrences, suggestions, bypasses.
Severities: high (a way around the filter), warning (likely not meant), info.`,
  options: { ...POLICY_OPTIONS },
  exitCodes: [
    [EXIT.ok, 'no finding of warning or high severity'],
    [EXIT.negative, 'at least one warning or high finding'],
    [EXIT.usage, 'wrong usage'],
    [EXIT.input, 'missing file, malformed JSON, a profile with other mistakes'],
    [EXIT.system, 'libseccomp is missing'],
  ],
  examples: ['seccomp audit profile.json', 'seccomp audit docker.json --json'],
  run({ values, positionals, io, json }) {
    expectPositionals(positionals, ['profile.json'], 'audit');
    const path = positionals[0]!;
    const findings: Finding[] = [];
    let raw = parseJson(new TextDecoder().decode(readBytes(path)), path);
    if (isDict(raw) && isDict(raw.linux) && 'ociVersion' in raw && isDict(raw.linux.seccomp)) raw = raw.linux.seccomp;
    const format = detectFormat(raw, path);
    const original = raw;
    let kept: number[] | undefined;
    const options = policyOptions(values);
    if (format === 'sdk' && isDict(raw)) {
      const arches = options.arches ?? sdkArches(raw, [nativeArch()]);
      findings.push(...nameFindings(raw, arches));
      ({ json: raw, kept } = withoutUnknownNames(raw, arches));
    }
    let policy: ProfilePolicy;
    try {
      policy = readProfileJson(raw, path, options);
    } catch (err) {
      // Other mistakes: report them with the file's own rule numbers.
      if (kept) readProfileJson(original, path, options);
      throw err;
    }
    if (kept) policy = { ...policy, origins: policy.origins.map((o) => o.replace(/\d+/, (i) => String(kept![Number(i)] ?? i))) };
    if (format === 'oci') {
      findings.push(...nameFindings(raw, policy.profile.arches ?? [nativeArch()]));
      // Names are reported above, once each; an entry left with none is their consequence.
      for (const d of policy.details) {
        if (d.code === 'unknownSyscall') continue;
        findings.push({ severity: 'info', ...codeOf('oci'), message: d.message, path: d.path, oci: d.code, ...(d.syscall !== undefined && { syscall: d.syscall }) });
      }
    }
    auditProfile(policy, findings);
    findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity]);
    const counts = { high: 0, warning: 0, info: 0 };
    for (const f of findings) counts[f.severity]++;
    const code = counts.high + counts.warning > 0 ? EXIT.negative : EXIT.ok;
    const p = policy.profile;
    if (json) {
      io.json({ input: path, format, defaultAction: formatAction(p.defaultAction), arches: p.arches, rules: p.rules.length, counts, findings });
      return code;
    }
    const s = io.style;
    io.out(`${s.bold(path)}: ${format === 'oci' ? 'OCI' : 'SDK'} profile, default ${formatAction(p.defaultAction)}, ${plural(p.rules.length, 'rule')}, arches ${(p.arches ?? []).join(', ')}`);
    const tag: Record<Severity, string> = { high: s.red('HIGH   '), warning: s.yellow('warning'), info: s.dim('info   ') };
    for (const f of findings) io.out(`  ${tag[f.severity]}  ${f.id}: ${f.message}`);
    io.out(`${plural(findings.length, 'finding')}: ${counts.high} high, ${counts.warning} warning, ${counts.info} info`);
    return code;
  },
};
