/**
 * The supervisor side of `learn` (and doctor's check of it). The launcher child loads a
 * filter that sends every syscall to a user-notification listener; this process finds the
 * listener in the child's fd table, copies it over (pidfd_getfd), and answers each
 * notification with SECCOMP_USER_NOTIF_FLAG_CONTINUE, so every call runs as it would
 * have, after being recorded. The child blocks on its first syscall until this side
 * answers, so nothing is missed.
 *
 * The loop waits with ppoll and a short timeout, then gives the event loop a turn: Node
 * reaps the child there, and only once it is reaped does the kernel drop it from the
 * filter's users and report POLLHUP on the listener.
 */
import type { ChildProcess } from 'node:child_process';
import { closeSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { notifySupervisor, rawSyscall, takeFd, type Notification } from '@seccomp/node';
import { HOST_ENDIAN } from '@seccomp/core/internal';

const LISTENER = 'anon_inode:seccomp notify';
const POLLIN = 0x1;
const POLLHUP = 0x10;
/** How long one ppoll waits before the event loop gets a turn. */
const POLL_NS = 20_000_000n;
/** After the launcher is gone, how long to wait for its descendants before letting go. */
const LINGER_MS = 300;

export interface Supervised {
  /** The launcher's exit code and signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** False when the child ended before loading its filter (it printed why). */
  attached: boolean;
  /** False when processes the command started still held the filter when we let go. */
  drained: boolean;
}

function findListener(pid: number): number | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === LISTENER) return Number(fd);
    } catch {
      // Closed while we looked.
    }
  }
  return undefined;
}

/** ppoll on one fd; the revents, 0 on timeout. */
function pollOnce(fd: number): number {
  const le = HOST_ENDIAN === 'little';
  const pfd = new Uint8Array(8);
  const dv = new DataView(pfd.buffer);
  dv.setInt32(0, fd, le);
  dv.setInt16(4, POLLIN, le);
  const ts = new Uint8Array(16);
  new DataView(ts.buffer).setBigInt64(8, POLL_NS, le);
  const r = rawSyscall('ppoll', pfd, 1, ts, null, 8);
  return r.ret > 0 ? dv.getUint16(6, le) : 0;
}

export async function supervise(child: ChildProcess, onNotification: (n: Notification) => void): Promise<Supervised> {
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => {
    ended = { code, signal };
    resolve();
  }));
  const pid = child.pid!;
  let remote: number | undefined;
  while ((remote = findListener(pid)) === undefined) {
    if (ended) return { ...ended, attached: false, drained: true };
    await new Promise((r) => setTimeout(r, 1));
  }
  const fd = takeFd(pid, remote);
  const sup = notifySupervisor(fd);
  let quietSince = 0;
  let drained = false;
  try {
    for (;;) {
      const revents = pollOnce(fd);
      if (revents & POLLIN) {
        answer(sup, onNotification);
        quietSince = 0;
        continue;
      }
      if (revents & POLLHUP) {
        drained = true;
        break;
      }
      if (ended) {
        quietSince ||= Date.now();
        if (Date.now() - quietSince > LINGER_MS) break;
      }
      await yieldToLoop();
    }
  } finally {
    sup.release();
    // Anything still filtered now gets ENOSYS for the calls it would have sent here.
    closeSync(fd);
  }
  await exited;
  return { ...ended!, attached: true, drained };
}

function answer(sup: ReturnType<typeof notifySupervisor>, onNotification: (n: Notification) => void): void {
  let n: Notification;
  try {
    n = sup.receive();
  } catch {
    return; // The caller was interrupted by a signal; it will retry and we will see it again.
  }
  onNotification(n);
  try {
    sup.respond({ id: n.id, continue: true });
  } catch {
    // The caller went away (killed) between receive and respond.
  }
}

/** The thread group and parent of a thread, from /proc; undefined once it is gone. */
export function threadInfo(tid: number): { tgid: number; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${tid}/status`, 'utf8');
    const tgid = Number(/^Tgid:\s*(\d+)/m.exec(text)?.[1]);
    const ppid = Number(/^PPid:\s*(\d+)/m.exec(text)?.[1]);
    return { tgid, ppid };
  } catch {
    return undefined;
  }
}
