/** The typed errors of lockdown(): a refusal before anything is loaded, or a failed check after. */
import { ERRNO, errnoNumber } from '../errno.js';
import { SeccompError } from '../errors.js';
import type { ThreadStatus } from '../status.js';

/** Why lockdown() refused to install anything. */
export type LockdownRefusal =
  /** No /proc/self/status: not Linux, or /proc is not mounted. */
  | 'not-linux'
  /** The kernel has no seccomp filter mode (CONFIG_SECCOMP_FILTER off). */
  | 'no-seccomp'
  /** seccomp(2) or an action lockdown needs is missing: a kernel older than 4.14. */
  | 'old-kernel'
  /** seccomp(2) is there but refused: an outer sandbox (a container's own filter) blocks it. */
  | 'seccomp-blocked'
  /** NO_NEW_PRIVS could not be set (prctl is blocked), so an unprivileged filter cannot load. */
  | 'no-new-privs'
  /** The process holds an io_uring instance: its workers run outside any seccomp filter. */
  | 'io-uring';

const ERRNO_OF: Record<LockdownRefusal, string> = {
  'not-linux': 'ENOSYS',
  'no-seccomp': 'ENOSYS',
  'old-kernel': 'ENOSYS',
  'seccomp-blocked': 'EPERM',
  'no-new-privs': 'EPERM',
  'io-uring': 'EBUSY',
};

/** lockdown() checked the environment and installed nothing. */
export class LockdownRefusedError extends SeccompError {
  override readonly name = 'LockdownRefusedError';
  readonly reason: LockdownRefusal;
  /** For 'io-uring': the io_uring file descriptors found. */
  readonly fds: readonly number[];
  constructor(reason: LockdownRefusal, detail: string, fds: readonly number[] = []) {
    super('lockdown', errnoNumber(ERRNO_OF[reason]) ?? ERRNO.ENOSYS, `${reason}: ${detail}; nothing was installed`);
    this.reason = reason;
    this.fds = Object.freeze([...fds]);
  }
}

/**
 * The filters were loaded, but /proc shows a thread that is not filtered (or carries fewer
 * filters than it should). The process is partly locked: treat it as compromised and exit.
 */
export class LockdownVerificationError extends SeccompError {
  override readonly name = 'LockdownVerificationError';
  readonly threads: readonly ThreadStatus[];
  constructor(detail: string, threads: readonly ThreadStatus[]) {
    super('lockdown', 3, `verification failed: ${detail}`);
    this.threads = Object.freeze([...threads]);
  }
}
