/**
 * From options to the two profiles lockdown() installs. Pure: no FFI, so the layout can be
 * unit-tested and emulated.
 *
 * Layout. seccomp answers one action per syscall, and the filter's default action is what
 * every number without a rule gets. Lockdown wants three answers: allowed, denied (EPERM by
 * default) and ENOSYS for numbers the tables do not know (a kernel newer than the tables, so
 * libc falls back as it would on an older kernel). So the default action is errno(ENOSYS),
 * and EVERY syscall the tables know gets a rule: allow, or the denial action. That is a rule
 * per known syscall (about 370 on x86_64); libseccomp's binary-tree layout keeps the path
 * to any verdict short.
 *
 * Argument checks live in a second filter whose default is allow. A single filter cannot
 * express "socket is allowed unless its domain is AF_PACKET or its type SOCK_RAW": rules for
 * one syscall OR together and a rule's conditions AND, so the allowed side would need the
 * complement of those conditions — and a 64-bit `!=` on an int argument can be bypassed
 * (the kernel truncates 0x1_00000011 to AF_PACKET). The kernel runs every filter and takes
 * the most restrictive answer, so a deny-only argument filter narrows what the first one
 * allows, with exact masked comparisons on the low word only.
 */
import { Action, actionsEqual } from '../actions.js';
import type { ArchName } from '../arch.js';
import { arg, arg32, type Condition } from '../compare.js';
import { expandSyscallSpecs } from '../groups/index.js';
import type { Profile, Rule } from '../profile/model.js';
import { validateProfile } from '../profile/validate.js';
import { syscallNames } from '../syscalls/index.js';
import {
  CLONE, CLONE_NAMESPACES, cloneFlagsArg, ENOSYS_ALWAYS, FIXED_DENY, hasGenericOpenFlags, NEVER_KILL,
  OPEN_WRITE_FLAGS, READ_ONLY_DENY, READ_ONLY_ENOSYS, SOCKET,
} from './deny.js';
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
  /** Allowed by the main filter, narrowed by the argument filter (clone, socket, open, openat). */
  readonly conditional: readonly string[];
  /** Given the denial action (io_uring_*: errno(EPERM) when the action would kill). */
  readonly denied: readonly string[];
  /** Given ENOSYS on purpose (clone3; openat2 with readOnlyFs). */
  readonly enosys: readonly string[];
  /** Deny-only argument checks, default allow; loaded first. Absent when nothing needs one. */
  readonly argumentFilter: Profile | undefined;
  /** The allowlist, default errno(ENOSYS); loaded last. */
  readonly mainFilter: Profile;
}

function expand(specs: readonly string[], arch: ArchName): Set<string> {
  return new Set(expandSyscallSpecs(specs, arch));
}

/** Plain names the caller asked to allow that lockdown denies anyway: silently dropping them would mislead. */
function assertAllowable(allow: readonly string[], denied: Set<string>, enosys: Set<string>): void {
  const clash = allow.filter((s) => !s.startsWith('~') && !s.startsWith('@') && (denied.has(s) || enosys.has(s)));
  if (clash.length) {
    throw new RangeError(
      `lockdown({ allow }) names ${clash.join(', ')}, which lockdown always denies (or you denied, or readOnlyFs does). ` +
        'Build a SyscallFilter or profile yourself if the process really needs it.',
    );
  }
}

function argumentRules(arch: ArchName, allowed: Set<string>, readOnlyFs: boolean, denial: Action): Rule[] {
  const rules: Rule[] = [];
  const deny = (syscall: string, ...conditions: Condition[]) => {
    if (allowed.has(syscall)) rules.push({ syscalls: [syscall], action: denial, conditions });
  };
  const flags = cloneFlagsArg(arch);
  // A new process (no CLONE_THREAD), or a thread in new namespaces (as root that works).
  deny('clone', arg32(flags).maskedEq(CLONE.THREAD, 0));
  for (const ns of CLONE_NAMESPACES) deny('clone', arg32(flags).maskedEq(ns, ns));
  // Packet sockets by domain (low word only: the kernel reads an int), raw sockets by type
  // whatever SOCK_NONBLOCK/SOCK_CLOEXEC say. Netlink sockets are SOCK_RAW by design (glibc's
  // getaddrinfo and getifaddrs use them); a 64-bit `!=` is safe in a deny rule, since only
  // exactly AF_NETLINK escapes it.
  deny('socket', arg32(0).eq(SOCKET.AF_PACKET));
  deny('socket', arg32(1).maskedEq(SOCKET.SOCK_TYPE_MASK, SOCKET.SOCK_RAW), arg(0).ne(SOCKET.AF_NETLINK));
  if (readOnlyFs) {
    for (const bit of Object.values(OPEN_WRITE_FLAGS)) {
      deny('open', arg32(1).maskedEq(bit, bit));
      deny('openat', arg32(2).maskedEq(bit, bit));
    }
  }
  return rules;
}

function presetLabel(preset: ResolvedLockdownOptions['preset']): string {
  return typeof preset === 'string' ? preset : 'custom';
}

export function planLockdown(options: ResolvedLockdownOptions, arch: ArchName): LockdownPlan {
  const { action, dryRun, readOnlyFs } = options;
  if (readOnlyFs && !hasGenericOpenFlags(arch)) throw new RangeError(`lockdown({ readOnlyFs }) knows the open(2) flags of x86, arm, riscv, powerpc and s390 only, not ${arch}.`);
  const specs = typeof options.preset === 'string' ? presetSpecs(options.preset, arch) : options.preset;
  const known = syscallNames(arch);

  const enosys = expand(ENOSYS_ALWAYS, arch);
  const denied = expand([...FIXED_DENY, ...options.deny], arch);
  if (readOnlyFs) {
    for (const n of expand(READ_ONLY_DENY, arch)) denied.add(n);
    for (const n of expand(READ_ONLY_ENOSYS, arch)) enosys.add(n);
  }
  for (const n of enosys) denied.delete(n);
  assertAllowable(options.allow, denied, enosys);

  const allowed = expand([...specs, ...options.allow], arch);
  for (const n of [...denied, ...enosys]) allowed.delete(n);
  // Every known syscall gets a rule; what is neither allowed nor ENOSYS is denied.
  for (const n of known) if (!allowed.has(n) && !enosys.has(n)) denied.add(n);

  // dryRun: the same layout, with log wherever something would be refused.
  const denial = dryRun ? Action.log : action;
  const noKill = dryRun ? Action.log : action.kind === 'killProcess' ? EPERM : action;
  const enosysAction = dryRun ? Action.log : ENOSYS;
  const badArch = dryRun ? Action.log : Action.killProcess;

  const argRules = argumentRules(arch, allowed, readOnlyFs, denial);
  const conditional = [...new Set(argRules.flatMap((r) => r.syscalls as string[]))].sort();
  const neverKill = new Set<string>(NEVER_KILL);
  const sorted = (s: Iterable<string>) => [...s].sort();
  const mainRules: Rule[] = [
    { syscalls: sorted(allowed), action: Action.allow, comment: 'allowed' },
    { syscalls: sorted(enosys), action: enosysAction, comment: 'ENOSYS: libc falls back' },
    { syscalls: sorted([...denied].filter((n) => !neverKill.has(n))), action: denial, comment: 'denied' },
    { syscalls: sorted([...denied].filter((n) => neverKill.has(n))), action: noKill, comment: 'io_uring: never killed' },
  ].filter((r) => r.syscalls.length > 0 && !actionsEqual(r.action, enosysAction));
  // A rule equal to the default changes nothing and libseccomp refuses it: clone3's ENOSYS is
  // the default's, and with dryRun every refusal is `log`, which is then the default too.
  const attributes = { badArchAction: badArch, optimize: 2 as const, tsync: true };
  const mainFilter = validateProfile({ defaultAction: enosysAction, arches: [arch], rules: mainRules, attributes });
  const argumentFilter = argRules.length
    ? validateProfile({ defaultAction: Action.allow, arches: [arch], rules: argRules, attributes })
    : undefined;
  return Object.freeze({
    arch,
    preset: presetLabel(options.preset),
    allowed: Object.freeze(sorted(allowed).filter((n) => !conditional.includes(n))),
    conditional: Object.freeze(conditional),
    denied: Object.freeze(sorted(denied)),
    enosys: Object.freeze(sorted(enosys)),
    argumentFilter,
    mainFilter,
  });
}

