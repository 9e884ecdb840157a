/**
 * `seccomp run`: load a filter into this process, then start the command under it. See
 * launch.ts for why the launcher's own needs belong in the profile.
 */
import { emulate, formatAction, loadBpf, nativeArch, type ProfileAttributes } from '@seccomp/node';
import { stringOpt, type Values } from '../args.js';
import { build } from '../build.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit.js';
import { prepareSignals, launch } from '../launch.js';
import { ignoredOciOptions, readPolicy, thisKernel, withStub } from '../policy.js';
import { OCI_BUILD_OPTIONS, POLICY_OPTIONS, ociBuildOptions, policyOptions } from '../policy-options.js';
import { PRESET_NAMES, presetPlan } from '../presets.js';
import { runs } from '../verdict.js';

/** A failure before the command starts: reported like any error, with the launcher's code. */
export class LauncherError extends Error {
  override readonly name = 'LauncherError';
}

/** glibc's fork(): clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD). */
const FORK_FLAGS = 0x01200011;

/** What the launcher does under the filter, checked before loading so the failure is explained. */
const LAUNCH_NEEDS: readonly { syscall: string; args?: bigint[]; why: string }[] = [
  { syscall: 'clone', args: [BigInt(FORK_FLAGS)], why: 'to fork the child that becomes the command' },
  { syscall: 'execve', why: 'to start the command' },
  { syscall: 'wait4', why: 'to wait for it' },
  { syscall: 'exit_group', why: 'to leave with its status' },
  // Node's heap and threads while it waits (launch.ts: NODE_BASELINE); without them it crashes at random.
  ...['mmap', 'munmap', 'mprotect', 'madvise', 'brk', 'futex'].map((syscall) => ({ syscall, why: 'for Node\'s heap and threads while it waits' })),
];

/** Each program in turn: the kernel runs them all and the strictest answer wins. */
export function preflight(programs: readonly Uint8Array[]): void {
  const arch = nativeArch();
  const stopped: string[] = [];
  for (const need of LAUNCH_NEEDS) {
    for (const bytes of programs) {
      const { action } = emulate(bytes, { arch, syscall: need.syscall, ...(need.args && { args: need.args }) });
      if (runs(action)) continue;
      stopped.push(`${need.syscall} (${formatAction(action)}) ${need.why}`);
      break;
    }
  }
  if (stopped.length) {
    throw new LauncherError(
      `the filter stops what \`seccomp run\` needs after loading it: ${stopped.join('; ')}. The filter binds the launcher and is inherited by the command, so the profile must allow these (\`seccomp learn\` records them)`,
    );
  }
}

interface Plan {
  label: string;
  programs: Uint8Array[];
  attributes: ProfileAttributes;
  warnings: readonly string[];
}

function planFor(values: Values): Plan {
  const profile = stringOpt(values, 'profile');
  const preset = stringOpt(values, 'preset');
  if (profile && preset) throw new UsageError('give --profile or --preset, not both', 'run');
  const options = { ...policyOptions(values), kernelVersion: thisKernel() };
  if (preset) {
    const p = presetPlan(preset, options);
    // A preset's warnings are about the built-in profile: expected, and the same every time.
    return { label: `preset ${preset}`, programs: p.profiles.map((profile) => build(profile).bytes), attributes: p.profiles.at(-1)!.attributes ?? {}, warnings: [] };
  }
  if (!profile) throw new UsageError('missing --profile <p.json> or --preset <name>', 'run');
  const read = { ...options, ...ociBuildOptions(values) };
  const policy = readPolicy(profile, read);
  const ignored = ignoredOciOptions(policy, read);
  if (policy.kind === 'bpf') return { label: policy.path, programs: [policy.bytes], attributes: {}, warnings: ignored };
  const built = build(policy.profile);
  return { label: policy.path, programs: [withStub(policy, built.bytes).bytes], attributes: policy.profile.attributes ?? {}, warnings: [...policy.warnings, ...ignored, ...built.warnings] };
}

export const runCommand: Command = {
  name: 'run',
  summary: 'run a command inside a seccomp filter',
  usage: 'seccomp run --profile <p.json|p.bpf> | --preset <name> -- <cmd> [args…]',
  description: `
Loads the filter into this process on every thread (TSYNC, with NO_NEW_PRIVS), then starts
<cmd> and waits for it; the command inherits the filter, and the exit status is the
command's. The profile may be SDK or OCI JSON, or a program from \`seccomp compile\`.

Node cannot exec in place, so the filter binds the launcher as well from the moment it is
loaded: the profile must allow what starting the command takes (execve, clone, wait4 — which
the command then also gets) and what Node may do while it waits (futex, mmap, madvise,
epoll_pwait, …). A profile that stops the essential ones is refused before anything is
loaded. \`seccomp learn\` writes profiles that cover the command and the launcher.

Presets:
  node, bun, deno   lockdown()'s runtime presets in lockdown's layout, with the one change a
                    launcher needs: starting programs and processes is allowed (execve,
                    execveat, fork, vfork, clone), so the command may do it too. Everything
                    else lockdown denies stays denied: ptrace, mount, namespaces, bpf,
                    io_uring, modules, id changes, raw and packet sockets; other ABIs kill
                    the process; unknown syscalls get ENOSYS.
  docker-default    Docker's profile for a container without extra capabilities, resolved
                    for this arch and kernel.

With --json, only errors change: they are printed as JSON on stdout (the command's output
is its own).

While the command runs, Ctrl-C and Ctrl-\\ go to it (as with system(3)), and SIGTERM and
SIGHUP sent to \`seccomp run\` are passed on to it (\`docker stop\` signals the first process only).`,
  options: {
    profile: { type: 'string', short: 'p', value: 'p.json', description: 'the profile (SDK or OCI JSON) or compiled BPF to load' },
    preset: { type: 'string', value: 'name', description: `a built-in profile: ${PRESET_NAMES.join(', ')}` },
    ...POLICY_OPTIONS,
    ...OCI_BUILD_OPTIONS,
  },
  exitCodes: [
    ['0–124', 'the command\'s own exit status'],
    [`${128}+N`, 'the command was killed by signal N (159 = SIGSYS: a kill action)'],
    [EXIT.usage, 'wrong usage (no command after --, no profile)'],
    [EXIT.launcher, 'the launcher failed: invalid profile, the filter stops the launcher, the kernel refused the filter'],
    [EXIT.cannotExecute, 'the command could not be started (permission denied, or the filter refused the spawn)'],
    [EXIT.notFound, 'the command was not found'],
  ],
  examples: ['seccomp run --profile true.json -- /bin/true', 'seccomp run --preset docker-default -- seccomp status'],
  run({ values, positionals, rest, io }) {
    if (positionals.length) throw new UsageError(`unexpected "${positionals[0]}": put the command after --`, 'run');
    if (!rest?.length) throw new UsageError('missing the command: seccomp run --profile p.json -- <cmd> [args…]', 'run');
    const plan = planFor(values);
    for (const w of plan.warnings) io.warn(`${plan.label}: ${w}`);
    preflight(plan.programs);
    const a = plan.attributes;
    prepareSignals();
    for (const bytes of plan.programs) {
      loadBpf(bytes, { allThreads: a.tsync ?? true, noNewPrivs: a.noNewPrivs ?? true, log: a.log ?? false, specAllow: a.specAllow ?? false });
    }
    return launch(rest);
  },
};
