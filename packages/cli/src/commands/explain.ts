/**
 * `seccomp explain`: what a filter answers for one call, and why. The verdict is the
 * emulator's run of the compiled program, so it is exactly what the kernel would do. With the
 * SDK's compiler (the default) the deciding rule is read from the program's provenance: the
 * compiler records which rule produced each return instruction. Other rules are shown as
 * matching or not by compiling each alone (with a default no rule uses) and running the same
 * call through it — the compiler's own reading of the rule on this arch, with its 32/64-bit
 * and x32 details. With --via libseccomp, which records nothing, the deciding rule is the
 * matching one whose action is the verdict. conditionHolds then shows, condition by
 * condition, why a rule for this syscall did or did not match.
 */
import {
  Action, actionsEqual, compile, conditionHolds, disassembleLines, emulate, formatCondition,
  isSyscallName, nativeArch, resolveSyscall, syscallName, syscallNames, validateProfile,
  X32_SYSCALL_BIT, archInfo, IPC_CALLS, SOCKETCALL_CALLS, type ArchName, type EmulateResult, type Profile, type Rule,
} from '@seccomp/node';
import { toU64 } from '@seccomp/core/internal';
import { expectPositionals, flag, stringOpt } from '../args.js';
import { build, type Built } from '../build.js';
import { parseVia } from './compile.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit.js';
import { archesOf, parseArches, readPolicy, type ProfilePolicy } from '../policy.js';
import { POLICY_OPTIONS, policyOptions } from '../policy-options.js';
import { hex, listSome, plural } from '../text.js';
import { actionText, describeAction, runs } from '../verdict.js';

/** A long path (a deny-list of 300 names) is cut to its start and its decisive end. */
const TRACE_HEAD = 4;
const TRACE_TAIL = 12;

/** `3`, `0x241`, `0o644`, `0b11`, `-100` → the u64 the kernel sees. */
export function parseArgValue(text: string, index: number): bigint {
  const m = /^(-?)(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i.exec(text.replace(/_/g, ''));
  if (!m) throw new UsageError(`argument ${index} "${text}" is not a number (use 3, 0x241, 0o644 or -100)`, 'explain');
  const magnitude = BigInt(m[2]!);
  try {
    return toU64(m[1] ? -magnitude : magnitude, `Argument ${index}`);
  } catch (err) {
    throw new UsageError((err as Error).message, 'explain');
  }
}

interface Call {
  arch: ArchName;
  /** What emulate is given: a name, or a raw number. */
  syscall: string | number;
  name: string | undefined;
  /** seccomp_data.nr as the kernel sets it (u32 pattern), when the arch has the call. */
  nr: number | undefined;
  args: bigint[];
}

function parseCall(words: readonly string[], arch: ArchName): Call {
  const [sys, ...rest] = words;
  if (rest.length > 6) throw new UsageError(`a syscall has at most 6 arguments, got ${rest.length}`, 'explain');
  const args = rest.map((a, i) => parseArgValue(a, i));
  if (/^(0x[0-9a-f]+|\d+)$/i.test(sys!)) {
    const nr = Number(sys);
    return { arch, syscall: nr, name: syscallName(nr, arch), nr, args };
  }
  // resolveSyscall throws UnknownSyscallError, with suggestions, for a name no arch has.
  const resolved = resolveSyscall(sys!, arch);
  const nr = resolved < 0 ? undefined : arch === 'x32' ? (resolved | X32_SYSCALL_BIT) >>> 0 : resolved;
  return { arch, syscall: sys!, name: sys!, nr, args };
}

function formatCall(call: Call): string {
  const name = call.name ?? `syscall ${call.syscall}`;
  return `${name}(${call.args.map((a) => hex(a)).join(', ')})`;
}

function describeRule(rule: Rule): string {
  const names = listSome(rule.syscalls.map(String), 6);
  const when = rule.conditions?.length ? ` when ${rule.conditions.map(formatCondition).join(' && ')}` : '';
  return `${actionText(rule.action)} for ${names}${when}${rule.comment ? `  (${rule.comment})` : ''}`;
}

/** A default the rule does not use, so "the rule fired" is unambiguous. */
function sentinelFor(action: Action): Action {
  const a = Action.trace(0xfffe);
  return actionsEqual(a, action) ? Action.trace(0xfffd) : a;
}

/** `profile` is build()'s view, without what core left out, so each rule builds alone as it did in the filter, by the same compiler. */
function ruleAlone(profile: Profile, rule: Rule, via: Built['compiler']): Uint8Array {
  const { priority: _p, ...bare } = rule;
  return compile(validateProfile({ ...profile, defaultAction: sentinelFor(rule.action), rules: [bare] }), { via });
}

function namesTheCall(rule: Rule, call: Call, native: ArchName): boolean {
  if (multiplexedBy(rule, call, native)) return true;
  return rule.syscalls.some((s) => (typeof s === 'string' ? s === call.name : call.name !== undefined && safeResolve(call.name, native) === s));
}

/**
 * When the call is socketcall(2) or ipc(2) and the rule names calls it multiplexes: the call
 * number the rule is placed under (the one arg0 holds, else the first named). libseccomp puts
 * such a rule on the multiplexer with its arg0 condition replaced by `arg0 == call`: the
 * socket call's own arguments are behind the pointer in arg1, where a filter cannot look.
 */
function multiplexedBy(rule: Rule, call: Call, native: ArchName): { name: string; number: number } | undefined {
  const info = archInfo(call.arch);
  const table = call.nr !== undefined && call.nr === info.socketcall ? SOCKETCALL_CALLS : call.nr !== undefined && call.nr === info.ipc ? IPC_CALLS : undefined;
  if (!table) return undefined;
  // A rule naming socketcall/ipc itself matches the call directly, whatever it multiplexes.
  if (rule.syscalls.some((s) => s === call.name || s === call.nr || (typeof s === 'number' && syscallName(s, native) === call.name))) return undefined;
  const named = rule.syscalls
    .map((s) => (typeof s === 'string' ? s : syscallName(s, native)))
    .filter((n): n is string => n !== undefined && Object.hasOwn(table, n))
    .map((name) => ({ name, number: (table as Record<string, number>)[name]! }));
  return named.find((n) => BigInt(n.number) === (call.args[0] ?? 0n)) ?? named[0];
}

/**
 * Each condition as the filter checks it for this call. Through socketcall/ipc the rule's own
 * arg0 condition is not checked (it is on the socket call's argument, behind the pointer):
 * `arg0 == call` takes its place, and the other conditions see the multiplexer's registers.
 */
function conditionReports(rule: Rule, call: Call, native: ArchName): RuleReport['conditions'] {
  const mux = multiplexedBy(rule, call, native);
  const own = (rule.conditions ?? []).filter((c) => !mux || c.arg !== 0).map((c) => {
    const value = call.args[c.arg] ?? 0n;
    return { text: formatCondition(c), arg: c.arg, value: hex(value), holds: conditionHolds(c, value) };
  });
  if (!mux) return own;
  const arg0 = call.args[0] ?? 0n;
  const replaced = (rule.conditions ?? []).filter((c) => c.arg === 0).map(formatCondition);
  const multiplexer = call.nr === archInfo(call.arch).socketcall ? 'socketcall' : 'ipc';
  const note = replaced.length ? `; ${replaced.join(', ')} is on ${mux.name}()'s argument, behind ${multiplexer}'s pointer, so not checked here` : '';
  return [{ text: `arg0 == ${mux.number} (${multiplexer}'s call number for ${mux.name}${note})`, arg: 0, value: hex(arg0), holds: arg0 === BigInt(mux.number) }, ...own];
}

function safeResolve(name: string, arch: ArchName): number | undefined {
  try {
    return resolveSyscall(name, arch);
  } catch {
    return undefined;
  }
}

interface RuleReport {
  index: number;
  origin: string;
  action: string;
  syscalls: (string | number)[];
  comment?: string;
  conditions: { text: string; arg: number; value: string; holds: boolean }[];
  matches: boolean;
}

interface Attribution {
  reason: 'rule' | 'default' | 'badArch' | 'unattributed';
  rule?: RuleReport;
  alsoMatching: RuleReport[];
  notMatching: RuleReport[];
}

function attribute(policy: ProfilePolicy, built: Built, call: Call, result: EmulateResult): Attribution {
  const profile = policy.profile;
  const native = nativeArch();
  const source = built.provenance?.get(result.path.at(-1)!);
  if (source === 'badArch' || (source === undefined && !archesOf(policy).includes(call.arch))) return { reason: 'badArch', alsoMatching: [], notMatching: [] };
  const reports: RuleReport[] = profile.rules.map((rule, index) => {
    const matches = actionsEqual(emulate(ruleAlone(profile, rule, built.compiler), { arch: call.arch, syscall: call.syscall, args: call.args }).action, rule.action);
    const conditions = conditionReports(rule, call, native);
    return {
      index, origin: policy.origins[index] ?? `rules[${index}]`, action: actionText(rule.action), syscalls: [...rule.syscalls],
      ...(rule.comment !== undefined && { comment: rule.comment }), conditions, matches,
    };
  });
  const matching = reports.filter((r) => r.matches);
  const named = reports.filter((r) => !r.matches && namesTheCall(profile.rules[r.index]!, call, native));
  if (source === 'default') return { reason: 'default', alsoMatching: matching, notMatching: named };
  // The compiler's record names the rule; without one, the first matching rule with the verdict's action.
  const responsible = typeof source === 'number' ? reports[source] : matching.find((r) => actionsEqual(profile.rules[r.index]!.action, result.action));
  if (responsible) return { reason: 'rule', rule: responsible, alsoMatching: matching.filter((r) => r !== responsible), notMatching: named };
  if (!matching.length && actionsEqual(result.action, profile.defaultAction)) return { reason: 'default', alsoMatching: [], notMatching: named };
  return { reason: 'unattributed', alsoMatching: matching, notMatching: named };
}

/** The profile compiled, and its rules as the filter holds them, each still named by its place in the file. */
function asBuilt(policy: ProfilePolicy, onWarning: (message: string) => void, via: Built['compiler'] | undefined): { policy: ProfilePolicy; bytes: Uint8Array; built: Built } {
  const built = build(policy.profile, onWarning, via);
  return { policy: { ...policy, profile: built.profile, origins: built.kept.map((i) => policy.origins[i]!) }, bytes: built.bytes, built };
}

export const explainCommand: Command = {
  name: 'explain',
  summary: 'what a filter does with one syscall, which rule decides, and the instructions run',
  usage: 'seccomp explain <profile.json|out.bpf> <syscall> [args…] [--arch <arch>]',
  description: `
Runs the call through the compiled filter in the emulator and prints the verdict, what it
means for the caller, the rule that decides it (SDK: rules[i], OCI: syscalls[i]) or the
default action, each condition of the rules for that syscall with the argument it was
compared with, and the BPF instructions executed.

<syscall> is a name (openat) or a number on --arch; args are numbers: 3, 0x241, 0o644,
-100 (two's complement, as the kernel sees a negative int). Missing args are 0.
--arch is the ABI the call is made through (x86 = int 0x80, x32): default this machine's.
A compiled program has no rules to point at; the instruction that returned is shown.`,
  options: {
    arch: { type: 'string', value: 'arch', description: 'the arch (ABI) the call is made through' },
    cap: POLICY_OPTIONS.cap!,
    via: { type: 'string', value: 'typescript|libseccomp', description: 'the compiler that builds a profile: the SDK\'s own (default) or the loaded libseccomp' },
    trace: { type: 'boolean', description: `print every instruction executed (default: the first ${TRACE_HEAD} and last ${TRACE_TAIL} of a long path)` },
  },
  exitCodes: [
    [EXIT.ok, 'the syscall runs (allow or log)'],
    [EXIT.negative, 'the syscall is stopped (errno, kill, trap, trace or notify)'],
    [EXIT.usage, 'wrong usage, an argument that is not a number'],
    [EXIT.input, 'missing file, malformed JSON, invalid profile or BPF, unknown syscall'],
    [EXIT.system, 'libseccomp is missing or refused the profile'],
  ],
  examples: ['seccomp explain profile.json openat -100 0 0x241', 'seccomp explain filter.bpf ptrace', 'seccomp explain profile.json execve --arch x86'],
  run({ values, positionals, io, json }) {
    expectPositionals(positionals, ['profile.json|out.bpf', 'syscall', 'args?'], 'explain', 8);
    const arch = parseArches([stringOpt(values, 'arch') ?? nativeArch()])![0]!;
    const read = readPolicy(positionals[0]!, { ...policyOptions({ ...values, arch: undefined }) });
    if (read.kind === 'profile') for (const w of read.warnings) io.warn(`${read.path}: ${w}`);
    const via = parseVia(stringOpt(values, 'via'));
    const { policy, bytes, built } = read.kind === 'bpf' ? { policy: read, bytes: read.bytes, built: undefined } : asBuilt(read, (w) => io.warn(`${read.path}: ${w}`), via);
    const call = parseCall(positionals.slice(1), arch);
    const result = emulate(bytes, { arch, syscall: call.syscall, args: call.args });
    const lines = disassembleLines(bytes, { arch: policy.kind === 'bpf' ? policy.arch : arch });
    const path = result.path.map((pc) => lines[pc]!);
    const attribution = policy.kind === 'profile' && built ? attribute(policy, built, call, result) : undefined;
    const missing = call.name !== undefined && !syscallNames(arch).includes(call.name as never) && isSyscallName(call.name);
    const verdict = { action: actionText(result.action), value: hex(result.value), meaning: describeAction(result.action), runs: runs(result.action) };
    const exitCode = runs(result.action) ? EXIT.ok : EXIT.negative;
    if (json) {
      io.json({
        input: policy.path, format: policy.kind === 'bpf' ? 'bpf' : policy.format, arch, syscall: call.name ?? null,
        nr: call.nr ?? null, args: call.args, verdict, ...(built && { compiler: built.compiler }), ...(attribution && { attribution }), instructions: result.instructions,
        path: path.map((l) => ({ pc: l.pc, text: l.text })),
      });
      return exitCode;
    }
    const s = io.style;
    io.out(`${s.bold(formatCall(call))} on ${arch}${call.nr !== undefined ? ` (nr ${call.nr})` : ''}`);
    if (missing) io.out(s.dim(`  ${call.name} does not exist on ${arch}: no real call carries it, so no rule can match it there`));
    const paint = runs(result.action) ? s.green : s.red;
    io.out(`  verdict      ${paint(verdict.action)} — ${verdict.meaning}`);
    if (attribution) printAttribution(io, attribution, policy as ProfilePolicy, arch);
    else io.out(`  decided by   ${decisive(path)}`);
    io.out(`  executed     ${plural(result.instructions, 'instruction')}:`);
    const shown = flag(values, 'trace') || path.length <= TRACE_HEAD + TRACE_TAIL + 1 ? path : [...path.slice(0, TRACE_HEAD), undefined, ...path.slice(-TRACE_TAIL)];
    for (const l of shown) {
      io.out(l ? `    ${String(l.pc).padStart(4, '0')}: ${l.text}` : s.dim(`    … ${path.length - TRACE_HEAD - TRACE_TAIL} more (--trace shows every instruction)`));
    }
    return exitCode;
  },
};

/** For a bare program: the return reached, and the last test that led there. */
function decisive(path: readonly { pc: number; text: string }[]): string {
  const ret = path.at(-1)!;
  const test = [...path].reverse().find((l) => l.text.startsWith('if '));
  const label = (pc: number) => String(pc).padStart(4, '0');
  return `${label(ret.pc)}: ${ret.text}${test ? `, reached from ${label(test.pc)}: ${test.text}` : ''} (a compiled program has no rules to name)`;
}

function printAttribution(io: Parameters<Command['run']>[0]['io'], a: Attribution, policy: ProfilePolicy, arch: ArchName): void {
  const rules = policy.profile.rules;
  const s = io.style;
  const conds = (r: RuleReport, label: string) => {
    for (const c of r.conditions) io.out(`  ${label.padEnd(12)} ${c.text}: arg${c.arg} = ${c.value} → ${c.holds ? s.green('holds') : s.red('does not hold')}`);
  };
  if (a.reason === 'badArch') {
    const bad = policy.profile.attributes?.badArchAction;
    io.out(`  decided by   the arch check: ${arch} is not among the filter's arches (${archesOf(policy).join(', ')}), so the bad-arch action applies${bad ? '' : ' (killProcess unless the profile sets attributes.badArchAction)'}`);
    return;
  }
  if (a.reason === 'rule' && a.rule) {
    io.out(`  decided by   ${s.bold(a.rule.origin)}: ${describeRule(rules[a.rule.index]!)}`);
    conds(a.rule, 'condition');
  } else if (a.reason === 'default') {
    io.out(`  decided by   the default action (${actionText(policy.profile.defaultAction)}): no rule matches this call`);
  } else {
    io.out(`  decided by   ${s.yellow('no single rule')}: the verdict matches no rule's action on its own`);
  }
  for (const r of a.alsoMatching) {
    const same = a.rule && r.action === a.rule.action;
    const why = same ? ' (same action)' : ` — it matches too, but in the combined filter libseccomp's decision tree tests ${a.rule?.origin ?? 'another rule'} first`;
    io.out(`  also matches ${r.origin}: ${describeRule(rules[r.index]!)}${why}`);
    conds(r, '');
  }
  for (const r of a.notMatching) {
    io.out(`  not matching ${r.origin}: ${describeRule(rules[r.index]!)}`);
    conds(r, '');
  }
}
