/**
 * What lockdown() checks before it installs anything. Each check uses libc only (prctl,
 * seccomp(2)) and /proc, so it runs the same on the libseccomp and the precompiled paths.
 */
import { encodeAction, type Action } from '../actions.js';
import { HOST_ENDIAN } from '../abi.js';
import { errnoWord } from '../backend.js';
import { ERRNO, errnoName } from '../errno.js';
import { SeccompError } from '../errors.js';
import { PR_SET_NO_NEW_PRIVS } from '../installbpf.js';
import type { Native } from '../native.js';
import { nativeArch } from '../arch.js';
import { resolveSyscall } from '../syscalls/index.js';
import { ioUringFds } from '../status.js';
import { LockdownRefusedError } from './errors.js';

const PR_GET_SECCOMP = 21;
const PR_GET_NO_NEW_PRIVS = 39;
const SECCOMP_GET_ACTION_AVAIL = 2;

function errnoText(errno: number): string {
  return errnoName(errno) ?? `errno ${errno}`;
}

/**
 * Linux with /proc, and a kernel built with seccomp (its status file has a Seccomp: line).
 * Returns how many filters the process carries already (undefined before Linux 5.9).
 */
function checkKernel(native: Native): number | undefined {
  let status: string;
  try {
    status = native.host.readTextFile('/proc/self/status');
  } catch (err) {
    // A SeccompError (the library could not be opened, say) already names its fix.
    if (err instanceof SeccompError) throw err;
    throw new LockdownRefusedError('not-linux', 'cannot read /proc/self/status: seccomp is a Linux feature, and lockdown needs /proc to verify itself');
  }
  if (!/^Seccomp:/m.test(status)) throw new LockdownRefusedError('no-seccomp', 'this kernel was built without seccomp (no Seccomp: line in /proc/self/status)');
  const filters = /^Seccomp_filters:\s*(\d+)/m.exec(status)?.[1];
  return filters === undefined ? undefined : Number(filters);
}

/** prctl(PR_GET_SECCOMP): EINVAL means no seccomp; any other failure means prctl itself is blocked. */
function checkPrctl(native: Native): void {
  const lib = native.libc;
  const word = errnoWord(lib);
  const rc = lib.symbols.prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
  const errno = word[0]!; // read before anything else can run on this thread
  if (rc !== -1) return;
  if (errno === ERRNO.EINVAL) throw new LockdownRefusedError('no-seccomp', 'prctl(PR_GET_SECCOMP) says this kernel has no seccomp (EINVAL)');
  throw new LockdownRefusedError('no-new-privs', `prctl is blocked here (${errnoText(errno)}), so NO_NEW_PRIVS cannot be set; an outer sandbox filters it`);
}

/** Holds a buffer whose address went into a call until the call has returned. */
function keepAlive(..._buffers: Uint8Array[]): void {}

/** seccomp(SECCOMP_GET_ACTION_AVAIL) for each action the filters return (kernel >= 4.14). */
function checkActions(native: Native, actions: readonly Action[], seccompNr: number): void {
  const lib = native.libc;
  const word = errnoWord(lib);
  for (const action of actions) {
    const buf = new Uint8Array(4);
    // The kernel asks about the action alone: errno(ENOSYS) is asked as SECCOMP_RET_ERRNO.
    new DataView(buf.buffer).setUint32(0, (encodeAction(action) & 0xffff0000) >>> 0, HOST_ENDIAN === 'little');
    const rc = lib.symbols.syscall(seccompNr, SECCOMP_GET_ACTION_AVAIL, 0, lib.addressOf(buf), 0, 0, 0);
    const errno = word[0]!; // read before anything else can run on this thread
    keepAlive(buf);
    if (rc === 0) continue;
    const code = errnoText(errno);
    if (code === 'EPERM' || code === 'EACCES') {
      throw new LockdownRefusedError(
        'seccomp-blocked',
        `seccomp(2) is refused here (${code}): an outer sandbox (a container's own seccomp profile?) blocks it, or lockdown() already ran in this process`,
      );
    }
    const why = code === 'ENOSYS' ? 'there is no seccomp(2) syscall (Linux < 3.17)'
      : code === 'EINVAL' ? 'seccomp(2) cannot report available actions (Linux < 4.14)'
      : `the kernel does not offer the action ${action.kind} (${code}); Linux >= 4.14 does`;
    throw new LockdownRefusedError('old-kernel', why);
  }
}

/** Sets NO_NEW_PRIVS (unprivileged filters need it) and reads it back. */
function checkNoNewPrivs(native: Native): void {
  const lib = native.libc;
  const word = errnoWord(lib);
  const rc = lib.symbols.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  const errno = word[0]!;
  if (rc === -1) throw new LockdownRefusedError('no-new-privs', `prctl(PR_SET_NO_NEW_PRIVS) failed (${errnoText(errno)})`);
  if (lib.symbols.prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) !== 1) {
    throw new LockdownRefusedError('no-new-privs', 'NO_NEW_PRIVS did not stick (prctl(PR_GET_NO_NEW_PRIVS) is not 1)');
  }
}

/**
 * Everything but io_uring, which is checked last, right before loading: a ring set up
 * before the filters keeps doing I/O in kernel workers that no seccomp filter sees.
 */
export function checkEnvironment(
  native: Native,
  actions: readonly Action[],
  seccompNr = resolveSyscall('seccomp', nativeArch(native.host.machine?.())),
): { filtersBefore: number | undefined } {
  const filtersBefore = checkKernel(native);
  checkPrctl(native);
  checkActions(native, actions, seccompNr);
  checkNoNewPrivs(native);
  return { filtersBefore };
}

export function checkNoIoUring(native: Native): void {
  const fds = ioUringFds(native.host, 'self');
  if (fds.length) {
    throw new LockdownRefusedError(
      'io-uring',
      `this process holds io_uring instance${fds.length > 1 ? 's' : ''} (fd ${fds.join(', ')}); their kernel workers would keep doing I/O ` +
        'past any seccomp filter. Start Node with UV_USE_IO_URING=0 (or close the ring) before lockdown',
      fds,
    );
  }
}
