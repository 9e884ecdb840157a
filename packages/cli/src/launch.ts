/**
 * The sandbox launcher, shared by `run` and `learn` so that what `learn` observes is what
 * `run` will need. Node cannot replace itself with another program (no exec in place), so
 * the launcher loads the filter into its own process, on every thread (TSYNC), then starts
 * the command with a spawn that inherits stdio, waits for it, passes on the signals meant to
 * stop it, and leaves with the command's status. The command inherits the filter across fork
 * and execve.
 *
 * Consequence: the filter also binds the launcher from the moment it is loaded, so the
 * profile must allow what starting the command takes — clone, execve, wait4, the pipes
 * libuv uses to report a failed exec — and what Node does while it waits. `seccomp learn`
 * records exactly that, because it runs this same code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeSync } from 'node:fs';
import { constants } from 'node:os';
import { rawSyscall } from '@seccomp/node';
import { EXIT, SIGNAL_BASE } from './exit.js';

/**
 * What Node may do at any moment while the launcher waits, whatever a learning run happened
 * to see: V8 grows and trims its heap (mmap, munmap, mprotect, madvise, mremap, brk; keyed
 * pages with pkey_mprotect where the CPU has protection keys), its worker threads meet on
 * futexes and yield, and they exit with the process. A learned profile that missed one of
 * these because no garbage collection fell into that run would crash the launcher later
 * ("The futex facility returned an unexpected error code"), so `learn` always adds them.
 */
export const NODE_BASELINE = [
  'brk', 'exit', 'exit_group', 'futex', 'madvise', 'mmap', 'mprotect', 'mremap', 'munmap', 'pkey_mprotect',
  'rt_sigreturn', 'sched_yield',
] as const;

/**
 * Signals sent to the launcher alone that are meant for the command: `docker stop` and
 * Kubernetes signal a container's first process only, which may be `seccomp run`.
 */
const FORWARDED = ['SIGTERM', 'SIGHUP'] as const;

let command: ChildProcess | undefined;

/**
 * Like system(3), Ctrl-C and Ctrl-\ are for the command (the terminal sends them to the
 * whole process group): the launcher ignores them, waits and reports how it ended. SIGTERM
 * and SIGHUP are passed on to the command, so stopping the launcher stops the command the
 * way it would stop unfiltered, instead of leaving it running without its parent.
 * Installed before the filter, so no rt_sigaction happens under it.
 */
export function prepareSignals(): void {
  for (const sig of ['SIGINT', 'SIGQUIT'] as const) process.on(sig, () => {});
  for (const sig of FORWARDED) process.on(sig, () => command?.kill(sig));
}

function message(text: string): void {
  writeSync(2, `seccomp: ${text}\n`);
}

export interface Ended {
  error?: Error;
  status?: number | null;
  signal?: NodeJS.Signals | null;
}

/** The status to leave with, and why the command did not run when it did not. */
export function outcome(result: Ended, file: string): number {
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      message(`${file}: command not found`);
      return EXIT.notFound;
    }
    if (code === 'EACCES') {
      message(`${file}: permission denied`);
      return EXIT.cannotExecute;
    }
    if (code === 'EPERM') {
      message(`${file}: could not be started (EPERM): the filter stops a syscall the launcher needs after loading it (clone, execve, pipe2, wait4, …); allow them, or build the profile with \`seccomp learn\``);
      return EXIT.cannotExecute;
    }
    message(`${file}: could not be started: ${result.error.message}`);
    return EXIT.cannotExecute;
  }
  if (result.signal) return SIGNAL_BASE + (constants.signals[result.signal as keyof typeof constants.signals] ?? 0);
  return result.status ?? EXIT.launcher;
}

function ended(child: ChildProcess): Promise<Ended> {
  return new Promise((resolve) => {
    // A command that could not be started reports 'error' and never 'exit'.
    child.once('error', (error) => resolve({ error }));
    child.once('exit', (status, signal) => resolve({ status, signal }));
  });
}

/**
 * Starts the command and ends this process with its status. exit_group is made directly:
 * Node's own shutdown would make further syscalls the filter may not allow, and nothing is
 * left to flush (stdio writes to pipes and files are synchronous on Linux).
 */
export async function launch(argv: readonly string[]): Promise<never> {
  const [file, ...args] = argv;
  command = spawn(file!, args, { stdio: 'inherit' });
  const status = outcome(await ended(command), file!);
  rawSyscall('exit_group', status);
  process.exit(status); // only if exit_group itself was refused
}
