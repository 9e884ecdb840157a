/**
 * The kernel log, read by the parent to see what seccomp logged for a child: a `log` action,
 * a filter loaded with SECCOMP_FILTER_FLAG_LOG, lockdown's logDenials. Records are
 * `audit: type=1326 … pid=N … syscall=NR … code=0x…` lines in /dev/kmsg when no audit daemon
 * takes them. Reading needs root or kernel.dmesg_restrict = 0, checked when tests register.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';

/** Whether this user may read the kernel log now; if not, why (for a named skip). */
export function kernelLogReadable(): { ok: true } | { ok: false; why: string } {
  try {
    closeSync(openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK));
    return { ok: true };
  } catch (err) {
    return { ok: false, why: `this user cannot read the kernel log (/dev/kmsg: ${(err as { code?: string }).code}), where seccomp's records appear` };
  }
}

/** Every record in the kernel log's ring buffer now, oldest first (one read per record until EAGAIN). */
function readKernelLog(): string[] {
  const fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
  const out: string[] = [];
  const buf = Buffer.alloc(8192);
  try {
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue; // records were overwritten while reading: go on
        throw err;
      }
      out.push(buf.toString('utf8', 0, n));
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

const seqOf = (line: string) => Number(line.split(',')[1]);

/** A mark in the log: seccompRecords(mark, …) sees only what came after it. */
export function kernelLogMark(): number {
  return Math.max(0, ...readKernelLog().map(seqOf));
}

/** seccomp's records after `mark` for process `pid`, optionally only for syscall number `nr`. */
export function seccompRecords(mark: number, pid: number, nr?: number): string[] {
  return readKernelLog()
    .filter((l) => seqOf(l) > mark && / type=1326 /.test(l) && new RegExp(`\\bpid=${pid}\\b`).test(l))
    .filter((l) => nr === undefined || new RegExp(`\\bsyscall=${nr}\\b`).test(l));
}
