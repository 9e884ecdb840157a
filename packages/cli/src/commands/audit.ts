/**
 * `seccomp audit`: what a profile lets through that its author may not have meant. Every
 * verdict here comes from running the compiled filter in the emulator, so the findings are
 * about what the kernel would do, not about how the JSON reads.
 */
import {
  Action, decodeBpf, emulate, findRuleConflicts, formatAction, IPC_CALLS, isMultiplexedName,
  isSyscallName, nativeArch, prepare, SOCKETCALL_CALLS, suggestSyscalls, syscallNames, archInfo,
  type ArchName, type PreparedBpf, type Profile, type Rule,
} from '@seccomp/node';
import { ARCHES } from '@seccomp/core/internal';
import { expectPositionals } from '../args.js';
import { build } from '../build.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit.js';
import { detectFormat, parseJson, readBytes, readProfileJson, type ProfilePolicy } from '../policy.js';
import { POLICY_OPTIONS, policyOptions } from '../policy-options.js';
import { listSome, plural } from '../text.js';
import { runs } from '../verdict.js';

export type Severity = 'high' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  id: string;
  message: string;
  /** Every syscall the finding is about, where the message can only list some. */
  syscalls?: string[];
}

/** The other ABIs a kernel for `arch` accepts calls through. */
const ENTRY_POINTS: Partial<Record<ArchName, readonly { arch: ArchName; how: string }[]>> = {
  x86_64: [{ arch: 'x86', how: 'i386: int 0x80, sysenter' }, { arch: 'x32', how: 'x32: syscall numbers with bit 30 set' }],
  aarch64: [{ arch: 'arm', how: 'AArch32 compat' }],
  s390x: [{ arch: 's390', how: '31-bit compat' }],
  mips64: [{ arch: 'mips', how: 'o32' }, { arch: 'mips64n32', how: 'n32' }],
  mipsel64: [{ arch: 'mipsel', how: 'o32' }, { arch: 'mipsel64n32', how: 'n32' }],
};

/** Listed first when a finding names many syscalls: the ones an attacker reaches for. */
const NOTABLE = new Set([
  'execve', 'execveat', 'fork', 'vfork', 'clone', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'mount', 'umount2',
  'unshare', 'setns', 'chroot', 'pivot_root', 'bpf', 'perf_event_open', 'userfaultfd', 'init_module', 'finit_module',
  'kexec_load', 'keyctl', 'add_key', 'io_uring_setup', 'personality', 'setuid', 'setgid', 'socket',
]);

function notableFirst(names: readonly string[]): string[] {
  const key = (n: string) => (NOTABLE.has(n.split(' ')[0]!) ? 0 : 1);
  return [...names].sort((a, b) => key(a) - key(b));
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function knownOn(name: string, arch: ArchName): boolean {
  const info = ARCHES[arch];
  return syscallNames(arch).includes(name as never) || ((info.socketcall !== undefined || info.ipc !== undefined) && isMultiplexedName(name));
}

/** SDK JSON: names no table of the profile's arches knows become findings and are taken out, so the rest can be audited. */
function withoutUnknownNames(json: Record<string, unknown>, findings: Finding[]): { json: Record<string, unknown>; kept: number[] } {
  const listed = Array.isArray(json.arches) ? json.arches.filter((a): a is ArchName => typeof a === 'string' && a in ARCHES) : [];
  const arches = listed.length ? listed : [nativeArch()];
  if (!Array.isArray(json.rules)) return { json, kept: [] };
  const kept: number[] = [];
  const rules = json.rules.flatMap((rule: unknown, i) => {
    if (!isDict(rule) || !Array.isArray(rule.syscalls) || rule.syscalls.length === 0) {
      kept.push(i);
      return [rule];
    }
    const names = rule.syscalls.filter((s: unknown, j) => {
      if (typeof s !== 'string' || arches.some((a) => knownOn(s, a))) return true;
      const where = `rules[${i}].syscalls[${j}]`;
      if (isSyscallName(s)) {
        findings.push({ severity: 'warning', id: 'unknown-syscall', message: `${where}: "${s}" does not exist on ${arches.join(', ')}, so the rule never matches it there` });
      } else {
        const guesses = suggestSyscalls(s);
        findings.push({ severity: 'warning', id: 'unknown-syscall', message: `${where}: unknown syscall "${s}"${guesses.length ? ` (did you mean ${guesses.map((g) => `"${g}"`).join(' or ')}?)` : ''}` });
      }
      return false;
    });
    if (!names.length) return [];
    kept.push(i);
    return [{ ...rule, syscalls: names }];
  });
  return { json: { ...json, rules }, kept };
}

/** What libseccomp keeps when rules conflict: the dropped rule loses that syscall. */
function withoutDropped(profile: Profile, origins: readonly string[], findings: Finding[]): Profile {
  const conflicts = findRuleConflicts(profile);
  const drop = new Map<number, Set<string | number>>();
  for (const c of conflicts) {
    // Core numbers the rules it was given; say where they are in the file.
    const message = c.message.replace(/rules\[(\d+)\]/g, (m, i: string) => origins[Number(i)] ?? m);
    findings.push({ severity: 'warning', id: c.kind === 'swallowed' ? 'shadowed-rule' : 'duplicate-rule', message });
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

class Verdicts {
  constructor(private readonly program: PreparedBpf) {}
  action(arch: ArchName, syscall: string, args: bigint[] = []) {
    return emulate(this.program, { arch, syscall, args }).action;
  }
  runs(arch: ArchName, syscall: string, args: bigint[] = []): boolean {
    return runs(this.action(arch, syscall, args));
  }
}

function defaultFindings(profile: Profile, findings: Finding[]): void {
  const d = profile.defaultAction;
  if (d.kind === 'allow') {
    findings.push({ severity: 'warning', id: 'permissive-default', message: 'the default action is allow: a deny-list, so every syscall not listed runs, including ones newer kernels add; prefer allowing what is needed and denying the rest' });
  } else if (d.kind === 'log') {
    findings.push({ severity: 'warning', id: 'permissive-default', message: 'the default action is log: nothing is stopped, calls are only logged (an audit-mode profile)' });
  } else if (d.kind === 'killThread') {
    findings.push({ severity: 'warning', id: 'kill-thread', message: 'the default action kills only the calling thread: in a multi-threaded runtime the main thread dies while the others keep the process alive, and it hangs; use killProcess' });
  }
  if (profile.attributes?.badArchAction?.kind === 'killThread') {
    findings.push({ severity: 'warning', id: 'kill-thread', message: 'attributes.badArchAction kills only the calling thread (the process hangs); use killProcess' });
  }
}

function execAndUringFindings(v: Verdicts, arch: ArchName, findings: Finding[]): void {
  const has = (n: string) => syscallNames(arch).includes(n as never);
  const exec = ['execve', 'execveat'].filter((n) => has(n) && v.runs(arch, n));
  if (exec.length) {
    findings.push({ severity: 'warning', id: 'exec-allowed', message: `${exec.join(' and ')} ${exec.length > 1 ? 'are' : 'is'} allowed: a compromised process can start other programs (they inherit this filter, and can do anything it allows)` });
  }
  const uring = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'].filter((n) => has(n) && v.runs(arch, n));
  if (uring.includes('io_uring_setup')) {
    findings.push({ severity: 'high', id: 'io-uring-allowed', message: `${uring.join(', ')} allowed: operations submitted through an io_uring (openat, read, write, connect, …) are done by the kernel without the syscalls this filter checks` });
  } else if (uring.length) {
    findings.push({ severity: 'info', id: 'io-uring-allowed', message: `${uring.join(', ')} allowed but io_uring_setup is not: rings opened before the filter keep working, with the same blind spot` });
  }
}

function entryPointFindings(v: Verdicts, profile: Profile, primary: ArchName, findings: Finding[]): void {
  const covered = profile.arches ?? [primary];
  for (const entry of ENTRY_POINTS[primary] ?? []) {
    const theirs = new Set<string>(syscallNames(entry.arch));
    const stopped = syscallNames(primary).filter((n) => theirs.has(n) && !v.runs(primary, n));
    const bypass: string[] = stopped.filter((n) => v.runs(entry.arch, n));
    // Socket and IPC calls also go through the multiplexers on arches that have them.
    const info = archInfo(entry.arch);
    for (const n of syscallNames(primary)) {
      if (!isMultiplexedName(n) || v.runs(primary, n)) continue;
      const via = Object.hasOwn(SOCKETCALL_CALLS, n) ? ['socketcall', SOCKETCALL_CALLS[n as keyof typeof SOCKETCALL_CALLS]] as const : ['ipc', IPC_CALLS[n as keyof typeof IPC_CALLS]] as const;
      if ((via[0] === 'socketcall' ? info.socketcall : info.ipc) === undefined) continue;
      if (v.runs(entry.arch, via[0], [BigInt(via[1])])) bypass.push(`${n} (through ${via[0]})`);
    }
    const label = `${entry.arch} entry point (${entry.how})`;
    if (bypass.length) {
      const how = covered.includes(entry.arch) ? 'its rules differ' : `it is not among the filter's arches and the bad-arch action is ${formatAction(profile.attributes?.badArchAction ?? Action.killProcess)}`;
      findings.push({ severity: 'high', id: `entry-point-${entry.arch}`, message: `${label}: ${plural(bypass.length, 'syscall')} stopped on ${primary} run${bypass.length === 1 ? 's' : ''} through it (${how}): ${listSome(notableFirst(bypass), 10)}`, syscalls: notableFirst(bypass) });
    } else if (!covered.includes(entry.arch)) {
      findings.push({ severity: 'info', id: `entry-point-${entry.arch}`, message: `${label}: handled — not among the filter's arches, so every call through it gets the bad-arch action (${formatAction(profile.attributes?.badArchAction ?? Action.killProcess)})` });
    } else {
      findings.push({ severity: 'info', id: `entry-point-${entry.arch}`, message: `${label}: handled — covered by the filter, nothing stopped on ${primary} runs through it` });
    }
  }
}

export function auditProfile(policy: ProfilePolicy, findings: Finding[]): void {
  const profile = withoutDropped(policy.profile, policy.origins, findings);
  const primary = profile.arches?.[0] ?? nativeArch();
  // Core's report of syscalls this libseccomp does not know, left out on a multi-arch filter.
  const { bytes } = build(profile, (message) => findings.push({ severity: 'info', id: 'libseccomp', message }));
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
  - syscall names no table knows, or that do not exist on the profile's arches.
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
    if (format === 'sdk' && isDict(raw)) ({ json: raw, kept } = withoutUnknownNames(raw, findings));
    let policy: ProfilePolicy;
    try {
      policy = readProfileJson(raw, path, policyOptions(values));
    } catch (err) {
      // Other mistakes: report them with the file's own rule numbers.
      if (kept) readProfileJson(original, path, policyOptions(values));
      throw err;
    }
    if (kept) policy = { ...policy, origins: policy.origins.map((o) => o.replace(/\d+/, (i) => String(kept![Number(i)] ?? i))) };
    for (const w of policy.warnings) {
      const unknown = /unknown syscall/.test(w);
      const id = unknown || /does not exist on/.test(w) ? 'unknown-syscall' : 'oci';
      findings.push({ severity: unknown ? 'warning' : 'info', id, message: w });
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
