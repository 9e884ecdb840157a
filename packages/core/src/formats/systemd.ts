/**
 * A systemd unit drop-in: `SystemCallFilter=` and `SystemCallErrorNumber=`
 * (systemd.exec(5)). systemd's filter is one list and one action: an allow-list (the default
 * action denies) or, with a leading `~`, a deny-list (the default allows); the denied calls get
 * SystemCallErrorNumber= or, without it, kill the process. Conditions on arguments have no
 * equivalent, so a profile with conditional rules, or with rules of several actions, is refused
 * rather than written wider or narrower than it is.
 *
 * A group name is written instead of its members only where the SDK's group and systemd's hold
 * exactly the same names (SYSTEMD_SAME_GROUPS), and only when every member is in the list.
 */
import { errnoName } from '../errno.js';
import { ProfileError } from '../errors.js';
import { expandGroup } from '../groups/index.js';
import type { ArchName } from '../arch.js';
import type { Action } from '../actions.js';
import type { Profile } from '../profile/model.js';
import { validateProfile } from '../profile/validate.js';

/**
 * Groups whose member lists are systemd's, name for name (systemd's src/shared/seccomp-util.c,
 * syscall_filter_sets[]; a test compares the SDK's tables with that list).
 */
export const SYSTEMD_SAME_GROUPS = ['@aio', '@chown', '@clock', '@keyring', '@memlock', '@pkey', '@reboot'] as const;

export interface ToSystemdOptions {
  /** The arch whose names group membership is judged by (default: the profile's first, else x86_64). */
  readonly arch?: ArchName;
}

/** systemd's two ways to deny: an errno, or (SystemCallErrorNumber=kill, or none) killing the process. */
function isDeny(action: Action): boolean {
  return action.kind === 'errno' || action.kind === 'killProcess';
}

function errnoLine(action: Action): string {
  return action.kind === 'errno' ? `SystemCallErrorNumber=${errnoName(action.errno) ?? action.errno}` : 'SystemCallErrorNumber=kill';
}

/** systemd's spelling of the arches it knows (systemd.exec(5), SystemCallArchitectures=). */
const SYSTEMD_ARCH: Partial<Record<ArchName, string>> = {
  x86: 'x86', x86_64: 'x86-64', x32: 'x32', arm: 'arm', aarch64: 'arm64', s390: 's390', s390x: 's390x',
  ppc: 'ppc', ppc64: 'ppc64', ppc64le: 'ppc64-le', mips: 'mips', mipsel: 'mips-le', mips64: 'mips64',
  mipsel64: 'mips64-le', mips64n32: 'mips64-n32', mipsel64n32: 'mips64-le-n32', riscv64: 'riscv64', loongarch64: 'loongarch64',
  parisc: 'parisc', parisc64: 'parisc64',
};

/** Names, with whole same-named groups folded into their `@name`. */
function fold(names: readonly string[], arch: ArchName): string[] {
  const left = new Set(names);
  const out: string[] = [];
  for (const group of SYSTEMD_SAME_GROUPS) {
    const members = expandGroup(group, arch);
    if (members.length && members.every((m) => left.has(m))) {
      out.push(group);
      for (const m of members) left.delete(m);
    }
  }
  return [...out, ...[...left].sort()];
}

/** The drop-in's text: `[Service]` and the two lines. */
export function toSystemd(profile: Profile, options: ToSystemdOptions = {}): string {
  const p = validateProfile(profile);
  const arch = options.arch ?? p.arches?.[0] ?? 'x86_64';
  const problems: string[] = [];
  const deny = isDeny(p.defaultAction);
  if (!deny && p.defaultAction.kind !== 'allow') problems.push(`defaultAction: systemd's filter allows, returns an errno or kills the process; ${p.defaultAction.kind} has no equivalent`);
  const ruleAction = p.rules[0]?.action;
  p.rules.forEach((r, i) => {
    if (r.conditions?.length) problems.push(`rules[${i}]: systemd's SystemCallFilter= cannot look at arguments`);
    if (deny ? r.action.kind !== 'allow' : !isDeny(r.action)) problems.push(`rules[${i}]: with default ${p.defaultAction.kind}, systemd's list can only ${deny ? 'allow' : 'deny'}`);
    if (!deny && ruleAction && JSON.stringify(r.action) !== JSON.stringify(ruleAction)) problems.push(`rules[${i}]: systemd's deny-list has one action for every call; rules[0]'s differs`);
    r.syscalls.forEach((s, j) => {
      if (typeof s !== 'string') problems.push(`rules[${i}].syscalls[${j}]: systemd names its syscalls; write the name of syscall ${s}`);
    });
  });
  if (problems.length) throw new ProfileError(problems.slice(0, 200));
  const names = fold([...new Set(p.rules.flatMap((r) => r.syscalls as string[]))], arch);
  const denied = deny ? p.defaultAction : ruleAction;
  const lines = ['[Service]', `SystemCallFilter=${deny ? '' : '~'}${names.join(' ')}`];
  if (denied) lines.push(errnoLine(denied));
  const arches = (p.arches ?? []).map((a) => SYSTEMD_ARCH[a]);
  if (arches.length && arches.every((a) => a !== undefined)) lines.push(`SystemCallArchitectures=${arches.join(' ')}`);
  return `${lines.join('\n')}\n`;
}
