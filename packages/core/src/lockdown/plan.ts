/**
 * From options to the two profiles lockdown() installs. Pure: no FFI, so the layout can be
 * unit-tested and emulated.
 *
 * Layout. seccomp answers one action per syscall, and the filter's default action is what
 * every number without a rule gets. Lockdown wants three answers: allowed, denied (EPERM by
 * default) and ENOSYS for numbers the tables do not know (a kernel newer than the tables, so
 * libc falls back as it would on an older kernel).
 *
 * The main filter (loaded last) gives every syscall the tables know a rule — allow, or the
 * denial action — and ENOSYS as its default.
 *
 * The argument filter (loaded first) is an allowlist too: it allows outright what the main
 * filter allows outright, allows the argument-checked calls (clone, socket, kill, …) only in
 * the listed forms, and refuses everything else by default. Argument checks are allow rules,
 * so whatever nobody listed — the next socket family, a new clone flag — is refused; a deny
 * list misses it. Refusals of the two filters meet only where the main filter refuses too
 * (or answers ENOSYS): the kernel runs every filter and keeps the most severe action, and
 * between two errnos the one of the filter installed last, so the main filter's ENOSYS and
 * its own errno win there. The argument filter also allows seccomp(2) itself, which the
 * main filter then refuses: that is how the second program gets loaded.
 *
 * With action killProcess the argument filter refuses with EPERM: its default also meets
 * numbers the tables do not know, which must get ENOSYS, not a kill.
 */
import { Action, actionsEqual } from '../actions.js';
import type { ArchName } from '../arch.js';
import { arg32, type Condition } from '../compare.js';
import { expandSyscallSpecs } from '../groups/index.js';
import type { Profile, ProfileAttributes, Rule } from '../profile/model.js';
import { syscallNames } from '../syscalls/index.js';
import {
  CLONE, CLONE_NAMESPACES, cloneFlagsArg, ENOSYS_ALWAYS, FIXED_DENY, hasGenericOpenFlags, NEVER_KILL,
  OPEN_WRITE_FLAGS, READ_ONLY_DENY, READ_ONLY_ENOSYS, READ_ONLY_FD_DENY,
} from './deny.js';
import { ioctlReadOnlyForms } from './ioctl.js';
import { SELF_RULES } from './self.js';
import { SOCKET_ALLOW, SOCKETPAIR_ALLOW, socketConditions } from './sockets.js';
import type { ResolvedLockdownOptions } from './options.js';
import { presetSpecs } from './presets.js';

const ENOSYS = Action.errno('ENOSYS');
const EPERM = Action.errno('EPERM');

/** What a plan installs, in load order, and the counts lockdown() reports. */
export interface LockdownPlan {
  readonly arch: ArchName;
  /** The preset's name, or "custom" for a spec list. */
  readonly preset: string;
  /** Allowed outright. */
  readonly allowed: readonly string[];
  /** Allowed by the main filter, in the forms the argument filter lists (clone, socket, kill, …). */
  readonly conditional: readonly string[];
  /** Given the denial action (io_uring_*: errno(EPERM) when the action would kill). */
  readonly denied: readonly string[];
  /** Given ENOSYS on purpose (clone3; openat2 with readOnlyFs). */
  readonly enosys: readonly string[];
  /** The allowlist with argument checks, default refusal; loaded first. */
  readonly argumentFilter: Profile;
  /** The allowlist, default errno(ENOSYS); loaded last. */
  readonly mainFilter: Profile;
}

function expand(specs: readonly string[], arch: ArchName): Set<string> {
  return new Set(expandSyscallSpecs(specs, arch));
}

/** Plain names the caller asked to allow that lockdown denies anyway: silently dropping them would mislead. */
function assertAllowable(named: readonly string[], denied: Set<string>, enosys: Set<string>): void {
  const clash = named.filter((s) => denied.has(s) || enosys.has(s));
  if (clash.length) {
    throw new RangeError(
      `lockdown({ allow }) names ${clash.join(', ')}, which lockdown always denies (or you denied, or readOnlyFs does). ` +
        'Build a SyscallFilter or profile yourself if the process really needs it.',
    );
  }
}

/** The forms the argument filter allows, per syscall the main filter allows; `lifted`: named in `allow`. */
function argumentForms(arch: ArchName, allowed: Set<string>, lifted: Set<string>, readOnlyFs: boolean): Map<string, Condition[][]> {
  const forms = new Map<string, Condition[][]>();
  const check = (syscall: string, list: Condition[][]) => {
    if (allowed.has(syscall) && list.length) forms.set(syscall, list);
  };
  const flags = cloneFlagsArg(arch);
  // A thread (CLONE_THREAD), and in no new namespace (as root a thread could enter one).
  const nsMask = CLONE_NAMESPACES.reduce((m, ns) => m | ns, 0);
  check('clone', [[arg32(flags).maskedEq(CLONE.THREAD | nsMask, CLONE.THREAD)]]);
  check('socket', socketConditions(SOCKET_ALLOW, arch));
  check('socketpair', socketConditions(SOCKETPAIR_ALLOW, arch));
  if (readOnlyFs) {
    const write = Object.values(OPEN_WRITE_FLAGS).reduce((m, f) => m | f, 0);
    check('open', [[arg32(1).maskedEq(write, 0)]]);
    check('openat', [[arg32(2).maskedEq(write, 0)]]);
    if (!lifted.has('ioctl')) check('ioctl', ioctlReadOnlyForms());
  }
  for (const rule of SELF_RULES) if (!lifted.has(rule.syscall)) check(rule.syscall, rule.forms);
  return forms;
}

/**
 * The argument filter's rules: the main filter's outright allows, seccomp(2), each checked
 * call's forms, and the main filter's ENOSYS answers. The last matter between the two loads,
 * when the argument filter is alone: glibc starts threads with clone3 and falls back to clone
 * on ENOSYS only, so an EPERM there makes a thread started at that moment fail (Bun aborts).
 */
function argumentRules(outright: readonly string[], forms: Map<string, Condition[][]>, enosys: readonly string[], enosysAction: Action, arch: ArchName): Rule[] {
  const plain = [...new Set([...outright, ...expandSyscallSpecs(['seccomp'], arch)])].sort();
  const rules: Rule[] = [rule(plain, Action.allow, 'allowed outright (and seccomp(2), which the main filter refuses)')];
  if (enosys.length) rules.push(rule([...enosys], enosysAction, 'ENOSYS, as the main filter answers'));
  // Plain code-unit order: localeCompare would load the engine's collation tables (~10 ms cold).
  for (const syscall of [...forms.keys()].sort()) {
    for (const conditions of forms.get(syscall)!) rules.push(Object.freeze({ syscalls: Object.freeze([syscall]), action: Action.allow, conditions: Object.freeze([...conditions]) }));
  }
  return rules;
}

function rule(syscalls: readonly string[], action: Action, comment: string): Rule {
  return Object.freeze({ syscalls: Object.freeze(syscalls), action, comment });
}

/**
 * The plan's profiles are built here from names the tables know, canonical actions and
 * conditions made by the builders, so they are already in validateProfile's normal form
 * (a unit test checks they come back from it unchanged). Frozen as it freezes them.
 */
function profile(defaultAction: Action, arch: ArchName, rules: readonly Rule[], attributes: ProfileAttributes): Profile {
  return Object.freeze({ defaultAction, arches: Object.freeze([arch]), rules: Object.freeze(rules), attributes });
}

function presetLabel(preset: ResolvedLockdownOptions['preset']): string {
  return typeof preset === 'string' ? preset : 'custom';
}

/**
 * Names in `allow` given one by one (not groups or negations): they lift readOnlyFs' descriptor
 * checks and the self-only checks, and naming one lockdown denies anyway is an error.
 */
function namedInAllow(allow: readonly string[]): string[] {
  return allow.filter((s) => !s.startsWith('~') && !s.startsWith('@'));
}

export function planLockdown(options: ResolvedLockdownOptions, arch: ArchName): LockdownPlan {
  const { action, dryRun, readOnlyFs } = options;
  if (readOnlyFs && !hasGenericOpenFlags(arch)) throw new RangeError(`lockdown({ readOnlyFs }) knows the open(2) flags of x86, arm, riscv, powerpc and s390 only, not ${arch}.`);
  const specs = typeof options.preset === 'string' ? presetSpecs(options.preset, arch) : options.preset;
  const known = syscallNames(arch);
  const named = namedInAllow(options.allow);
  const lifted = expand(named, arch);

  const enosys = expand(ENOSYS_ALWAYS, arch);
  const denied = expand([...FIXED_DENY, ...options.deny], arch);
  if (readOnlyFs) {
    for (const n of expand(READ_ONLY_DENY, arch)) denied.add(n);
    for (const n of expand(READ_ONLY_FD_DENY, arch)) if (!lifted.has(n)) denied.add(n);
    for (const n of expand(READ_ONLY_ENOSYS, arch)) enosys.add(n);
  }
  for (const n of enosys) denied.delete(n);
  assertAllowable(named, denied, enosys);

  const allowed = expand([...specs, ...options.allow], arch);
  for (const n of [...denied, ...enosys]) allowed.delete(n);
  // Every known syscall gets a rule; what is neither allowed nor ENOSYS is denied.
  for (const n of known) if (!allowed.has(n) && !enosys.has(n)) denied.add(n);

  // dryRun: the same layout, with log wherever something would be refused.
  const denial = dryRun ? Action.log : action;
  const noKill = dryRun ? Action.log : action.kind === 'killProcess' ? EPERM : action;
  const enosysAction = dryRun ? Action.log : ENOSYS;
  const badArch = dryRun ? Action.log : Action.killProcess;

  const forms = argumentForms(arch, allowed, lifted, readOnlyFs);
  const conditional = [...forms.keys()].sort();
  const outright = [...allowed].filter((n) => !forms.has(n));
  const neverKill = new Set<string>(NEVER_KILL);
  const sorted = (s: Iterable<string>) => [...s].sort();
  const mainRules: Rule[] = [
    rule(sorted(allowed), Action.allow, 'allowed'),
    rule(sorted(enosys), enosysAction, 'ENOSYS: libc falls back'),
    rule(sorted([...denied].filter((n) => !neverKill.has(n))), denial, 'denied'),
    rule(sorted([...denied].filter((n) => neverKill.has(n))), noKill, 'io_uring: never killed'),
  ].filter((r) => r.syscalls.length > 0 && !actionsEqual(r.action, enosysAction));
  // A rule equal to the default changes nothing and libseccomp refuses it: clone3's ENOSYS is
  // the default's, and with dryRun every refusal is `log`, which is then the default too.
  const attributes = Object.freeze({ badArchAction: badArch, optimize: 2 as const, tsync: true });
  const mainFilter = profile(enosysAction, arch, mainRules, attributes);
  const enosysRules = actionsEqual(enosysAction, noKill) ? [] : sorted(enosys);
  const argumentFilter = profile(noKill, arch, argumentRules(outright, forms, enosysRules, enosysAction, arch), attributes);
  return Object.freeze({
    arch,
    preset: presetLabel(options.preset),
    allowed: Object.freeze(sorted(outright)),
    conditional: Object.freeze(conditional),
    denied: Object.freeze(sorted(denied)),
    enosys: Object.freeze(sorted(enosys)),
    argumentFilter,
    mainFilter,
  });
}
