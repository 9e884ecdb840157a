/**
 * Exit codes, one table for every command so scripts can rely on them. `run` and `learn`
 * pass the command's own status through instead, and use 125–127 for their own failures
 * (the convention of env(1), timeout(1) and docker run), so the two never collide.
 */
export const EXIT = Object.freeze({
  /** Success (explain: the syscall would run; audit: no finding at warning level or above). */
  ok: 0,
  /** A negative answer, not an error: explain's syscall is stopped, audit found problems, doctor found seccomp unusable, decode found no record. */
  negative: 1,
  /** The command line is wrong (unknown command or option, missing argument). */
  usage: 2,
  /** The input is wrong: a missing file, malformed JSON, an invalid profile or BPF program, an unknown syscall or process. */
  input: 3,
  /** The system refused: libseccomp missing, the kernel rejected a filter, a syscall failed. */
  system: 4,
  /** run/learn: the launcher failed before the command started (bad profile, filter refused). */
  launcher: 125,
  /** run/learn: the command exists but could not be executed (EACCES, or EPERM from the filter). */
  cannotExecute: 126,
  /** run/learn: the command was not found. */
  notFound: 127,
} as const);

/** How a shell reports a death by signal: 128 + the signal number. */
export const SIGNAL_BASE = 128;
