/**
 * `seccomp learn`: run a command under a supervisor that sees every syscall (user
 * notification, each answered with "continue"), and write the smallest OCI profile that
 * lets `seccomp run --profile` start it again: the syscalls the command made, plus those
 * the launcher made after loading its filter (see launch.ts), each group commented.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { parseJson, readBytes } from '../policy.js';
import { existingAsOci, mergeLearned } from './learn-merge.js';
import { fileURLToPath } from 'node:url';
import {
  archesByAudit, fromOci, nativeArch, syscallName, syscallNames, X32_SYSCALL_BIT, type ArchName,
  type Notification, type OciProfile,
} from '@seccomp/node';
import { ARCHES } from '@seccomp/core/internal';
import { stringOpt } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT, SIGNAL_BASE } from '../exit.js';
import { jsonText } from '../io.js';
import { END_PATHS, END_PATHS_COMMENT } from '../end-paths.js';
import { NODE_BASELINE } from '../launch.js';
import { supervise, threadInfo } from '../supervise.js';
import { listSome, plural } from '../text.js';
import { constants } from 'node:os';

type Who = 'command' | 'launcher';

export interface Observation {
  /** name → number of calls, per arch and per side. */
  calls: Map<ArchName, Map<string, { command: number; launcher: number }>>;
  /** Calls whose number no table names: `arch:nr`. */
  unnamed: Set<string>;
  total: number;
}

function archOf(n: Notification): ArchName | undefined {
  const arches = archesByAudit(n.arch).map((a) => a.name);
  // x32 shares x86_64's audit arch; bit 30 of the number tells them apart.
  if (arches.includes('x32') && arches.includes('x86_64')) return (n.syscall & X32_SYSCALL_BIT) !== 0 ? 'x32' : 'x86_64';
  return arches[0];
}

/**
 * Which side made the call: a thread of the launcher, or the child it forked while that
 * child has not reached execve yet (libuv's set-up between fork and exec), is the launcher.
 */
export function classifier(launcherPid: number): (n: Notification, arch: ArchName | undefined) => Who {
  const execed = new Set<number>();
  return (n, arch) => {
    if (existsSync(`/proc/${launcherPid}/task/${n.pid}`)) return 'launcher';
    const info = threadInfo(n.pid);
    if (!info || info.ppid !== launcherPid || execed.has(info.tgid)) return 'command';
    const name = arch ? syscallName(n.syscall, arch) : undefined;
    if (name === 'execve' || name === 'execveat') execed.add(info.tgid);
    return 'launcher';
  };
}

export function observer(launcherPid: number): { observation: Observation; record: (n: Notification) => void } {
  const observation: Observation = { calls: new Map(), unnamed: new Set(), total: 0 };
  const whoIs = classifier(launcherPid);
  return {
    observation,
    record(n) {
      observation.total++;
      const arch = archOf(n);
      const who = whoIs(n, arch);
      const name = arch ? syscallName(n.syscall, arch) : undefined;
      if (!arch || !name) {
        observation.unnamed.add(`${arch ?? `audit arch 0x${(n.arch >>> 0).toString(16)}`}:${n.syscall}`);
        return;
      }
      const perArch = observation.calls.get(arch) ?? new Map();
      observation.calls.set(arch, perArch);
      const count = perArch.get(name) ?? { command: 0, launcher: 0 };
      count[who]++;
      perArch.set(name, count);
    },
  };
}

/**
 * The minimal OCI profile: deny (EPERM) by default, allow what was seen, in three commented
 * groups — the command's calls, the launcher's, and how a process ends (END_PATHS), which one
 * run rarely shows. A name is listed once, in the first group that has it.
 */
export interface LearnedGroups {
  command: string[];
  launcher: string[];
  /** END_PATHS the other two groups do not already list. */
  ending: string[];
}

export function learnedProfile(obs: Observation, argv: readonly string[]): { profile: OciProfile; groups: LearnedGroups } {
  const native = nativeArch();
  const arches = [native, ...[...obs.calls.keys()].filter((a) => a !== native)];
  const command = new Set<string>();
  const launcher = new Set<string>();
  for (const perArch of obs.calls.values()) {
    for (const [name, c] of perArch) {
      if (c.command) command.add(name);
      else launcher.add(name);
    }
  }
  const known: ReadonlySet<string> = new Set(syscallNames(native));
  for (const name of NODE_BASELINE) if (!command.has(name) && known.has(name)) launcher.add(name);
  const ending = new Set(Object.keys(END_PATHS).filter((name) => known.has(name) && !command.has(name) && !launcher.has(name)));
  const groups = { command: [...command].sort(), launcher: [...launcher].sort(), ending: [...ending].sort() };
  const syscalls = [];
  const shown = argv.join(' ');
  if (command.size) syscalls.push({ names: groups.command, action: 'SCMP_ACT_ALLOW', comment: `used by: ${shown.length > 200 ? `${shown.slice(0, 197)}...` : shown}` });
  if (launcher.size) {
    syscalls.push({
      names: groups.launcher,
      action: 'SCMP_ACT_ALLOW',
      comment: 'used by `seccomp run` itself after loading the filter: starting the command and waiting for it (seen while learning, plus what Node\'s heap and threads may need at any moment)',
    });
  }
  if (ending.size) syscalls.push({ names: groups.ending, action: 'SCMP_ACT_ALLOW', comment: END_PATHS_COMMENT });
  const profile = fromOci({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: arches.map((a) => ARCHES[a].oci),
    syscalls,
  });
  return { profile, groups };
}

function selfPath(): string {
  return fileURLToPath(import.meta.url);
}

export const learnCommand: Command = {
  name: 'learn',
  summary: 'record the syscalls a command makes and write the minimal OCI profile',
  usage: 'seccomp learn -o <p.json> [--merge <existing.json>] -- <cmd> [args…]',
  description: `
Starts <cmd> the way \`seccomp run\` does, under a filter that hands every syscall to this
process (seccomp user notification). Each call is recorded, then let through unchanged
(SECCOMP_USER_NOTIF_FLAG_CONTINUE), so the command behaves as it normally would. The profile
written denies everything else with EPERM and allows what was seen: the command's syscalls,
and those the launcher itself makes after loading the filter, plus the few Node may need at
any moment while it waits (heap and thread housekeeping: mmap, madvise, futex, …), and how
a process ends — signal handlers re-raising to the process itself (tgkill, kill, …), exits,
abort() and crashes — which one run rarely shows but SIGTERM and Ctrl-C need (three commented
groups).

  seccomp learn -o p.json -- <cmd>      then      seccomp run --profile p.json -- <cmd>

A profile learned from one run covers the paths that run took: exercise the command as it
will really be used. Needs kernel ≥ 5.9 and the right to ptrace the child (pidfd_getfd);
\`seccomp doctor\` checks both. Processes the command leaves running in the background are
cut off when it exits: their later calls fail with ENOSYS.

Many runs, many replicas: --merge existing.json folds the new recording into a profile
learned before — the union of what each allowed, the commented groups kept — as the Security
Profiles Operator merges a workload's recordings:
  seccomp learn -o p.json --merge p.json -- <cmd> <other input>`,
  options: {
    output: { type: 'string', short: 'o', value: 'p.json', description: 'where to write the OCI profile (required)' },
    merge: { type: 'string', value: 'existing.json', description: 'fold this recording into a profile learned before (the union of what each allowed; it may be the -o file)' },
  },
  exitCodes: [
    ['0–124', 'the command\'s own exit status (the profile is written whatever it is)'],
    [`${128}+N`, 'the command was killed by signal N'],
    [EXIT.usage, 'wrong usage (no -o, no command after --)'],
    [EXIT.launcher, 'the launcher or the supervisor failed (no user notification here)'],
    [EXIT.cannotExecute, 'the command could not be started'],
    [EXIT.notFound, 'the command was not found'],
  ],
  examples: ['seccomp learn -o cat.json -- /bin/cat /etc/hostname', 'seccomp learn -o cat.json --merge cat.json -- /bin/cat /etc/os-release', 'seccomp run --profile cat.json -- /bin/cat /etc/hostname'],
  async run({ values, positionals, rest, io, json }) {
    if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}": put the command after --`, 'learn');
    const out = stringOpt(values, 'output');
    if (!out) throw new UsageError('missing -o <p.json>: where to write the profile', 'learn');
    if (!rest?.length) throw new UsageError('missing the command: seccomp learn -o p.json -- <cmd> [args…]', 'learn');
    // Read before running (and before writing: --merge may name the -o file itself).
    const merge = stringOpt(values, 'merge');
    const base = merge ? existingAsOci(parseJson(new TextDecoder().decode(readBytes(merge)), merge), merge) : undefined;
    const child = spawn(process.execPath, [...process.execArgv, selfPath(), '__learn-child', '--', ...rest], { stdio: 'inherit' });
    const { observation, record } = observer(child.pid!);
    const result = await supervise(child, record);
    const status = result.signal ? SIGNAL_BASE + (constants.signals[result.signal] ?? 0) : (result.code ?? EXIT.launcher);
    if (!result.attached) {
      io.err(`seccomp: learn: the launcher ended (status ${status}) before its filter was in place; nothing was recorded`);
      return status === 0 ? EXIT.launcher : status;
    }
    const learned = learnedProfile(observation, rest);
    const { groups } = learned;
    const profile = merge && base ? mergeLearned(base, learned.profile, merge) : learned.profile;
    writeFileSync(out, `${jsonText(profile)}\n`);
    const summary = {
      output: out, status, notifications: observation.total,
      command: groups.command.length, launcher: groups.launcher.length, ending: groups.ending.length,
      architectures: profile.architectures, unnamed: [...observation.unnamed], drained: result.drained,
    };
    if (!result.drained) io.warn('processes the command started were still running when it exited; their later syscalls got ENOSYS and are not in the profile');
    if (observation.unnamed.size) io.warn(`syscalls no table names, left out: ${[...observation.unnamed].join(', ')}`);
    if (status !== 0) io.warn(`the command exited with status ${status}: the profile covers what this run did, which may not be its normal path`);
    if (json) {
      io.json({ ...summary, profile });
      return status;
    }
    const all = summary.command + summary.launcher + summary.ending;
    io.err(`seccomp: learned ${plural(all, 'syscall')} from ${plural(observation.total, 'call')}: ${summary.command} for the command, ${summary.launcher} more for the launcher, ${summary.ending} more for signals, exits and crashes; wrote ${out}`);
    io.err(`seccomp: the command used ${listSome(groups.command, 12)}`);
    io.err(`seccomp: next: seccomp run --profile ${out} -- ${rest.join(' ')}`);
    return status;
  },
};
