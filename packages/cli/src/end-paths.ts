/**
 * How a process ends: the syscalls a signal, an exit or a crash makes, which `learn` adds to
 * every profile whatever the learning run did. A recording rarely sees SIGTERM arrive, a
 * handler re-raise, abort() or its threads wind down, yet production does (`docker stop`,
 * Ctrl-C, a crash), and a profile that lacks one of them changes how the process ends: Node
 * re-raises SIGTERM and SIGINT with tgkill after resetting its stdio, so without tgkill the
 * signal is swallowed and the process runs on; without fstat or fcntl it aborts instead.
 *
 * Measured with `strace -f` on node, bun, deno, python3 and a C program: SIGTERM and SIGINT
 * with and without a terminal, a handler that cleans up and re-raises (signal-exit's pattern),
 * process.exit / Deno.exit / sys.exit, uncaught errors and abort(). Names only: a learned
 * profile has no argument checks, so kill, tgkill and tkill are not limited to the process
 * itself (Docker's default profile allows them the same way).
 */
export const END_PATHS: Readonly<Record<string, string>> = {
  rt_sigreturn: 'returning from any signal handler',
  restart_syscall: 'resuming a sleep that a stop and continue (SIGSTOP, SIGCONT) interrupted',
  rt_sigaction: 'resetting a handler to the default before re-raising (signal-exit, Bun, Deno, Python, abort)',
  rt_sigprocmask: 'unblocking the signal to re-raise it; raise() and abort() mask the others meanwhile',
  sigaltstack: 'threads set up and drop the alternate stack crash handlers run on (Deno, Rust)',
  getpid: 'raise(), abort() and process.kill(process.pid) name the process',
  gettid: 'raise() and abort() name the thread',
  tgkill: 'raise() and abort(): how Node, Bun and Deno re-raise SIGTERM and SIGINT',
  tkill: 'raise() in older C libraries',
  kill: "process.kill(process.pid, sig) (signal-exit), Python's exit after KeyboardInterrupt",
  exit: 'a thread ending',
  exit_group: 'the process ending',
  futex: 'threads woken and joined while the process ends',
  madvise: 'thread stacks released',
  munmap: 'thread stacks and alternate signal stacks released',
  fstat: 'Node checks its stdio before re-raising a signal, and aborts when fstat is refused',
  newfstatat: 'fstat() in C libraries that make it newfstatat(fd, "", AT_EMPTY_PATH)',
  fcntl: 'Node reads its stdio flags (F_GETFL) before re-raising a signal, and aborts when refused',
  sendto: "Deno's signal handler wakes its event loop through a socket pair",
  recvfrom: "Deno's event loop reads that wake-up",
};

/** The comment on the group of END_PATHS a learned profile carries. */
export const END_PATHS_COMMENT =
  'always allowed, whatever the learning run did: how a process ends — signal handlers returning and re-raising to the process itself ' +
  '(SIGTERM, Ctrl-C: Node, Bun, Deno, Python, signal-exit, raise), abort() and crashes, exits, threads winding down — so a signal or a crash ends it ' +
  'as it would without the filter instead of being swallowed';
