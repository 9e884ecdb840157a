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

/** Whether a seccomp record is about syscall number `nr` (its `syscall=` field). */
export function isRecordOf(nr: number): (record: string) => boolean {
  const field = new RegExp(`\\bsyscall=${nr}\\b`);
  return (record) => field.test(record);
}

/** A mark in the log: seccompRecords(mark, …) sees only what came after it. */
export function kernelLogMark(): number {
  return Math.max(0, ...readKernelLog().map(seqOf));
}

/**
 * seccomp's records after `mark` for `pid`, once the record of the marker call `markerNr` has
 * arrived. The kernel hands audit records to the log from a thread of its own, after the
 * call returned, so a child that made a call and exited may not have its record in the log
 * yet; records arrive in order, so once the marker (made last) is there, every earlier one is.
 */
export async function seccompRecordsUpTo(mark: number, pid: number, markerNr: number, timeoutMs = 5000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  const isMarker = isRecordOf(markerNr);
  for (;;) {
    const records = seccompRecords(mark, pid);
    if (records.some(isMarker) || Date.now() > deadline) return records;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs a child whose last call (`markerNr`) is logged, and returns its records. printk lets
 * audit records through at 10 per 5 s for the whole machine and drops the rest; if the marker
 * never arrived, this run hit that limit, and the child runs once more, after the 5 s that
 * seccompRecordsUpTo waited have let the window pass.
 */
export async function loggedChild<T extends { pid: number }>(child: () => Promise<T>, markerNr: number): Promise<{ result: T; records: string[]; markerSeen: boolean }> {
  const hasMarker = (records: string[]) => records.some(isRecordOf(markerNr));
  for (let attempt = 1; ; attempt++) {
    const mark = kernelLogMark();
    const result = await child();
    const records = await seccompRecordsUpTo(mark, result.pid, markerNr);
    if (hasMarker(records) || attempt === 2) return { result, records, markerSeen: hasMarker(records) };
  }
}

/** Every message after `mark`, as text (each record's header cut off): what this run added to the log. */
export function kernelLogSince(mark: number): string[] {
  return readKernelLog()
    .filter((l) => seqOf(l) > mark)
    .map((l) => l.slice(l.indexOf(';') + 1).trimEnd());
}

/** seccomp's records after `mark` for process `pid`, optionally only for syscall number `nr`. */
export function seccompRecords(mark: number, pid: number, nr?: number): string[] {
  return readKernelLog()
    .filter((l) => seqOf(l) > mark && / type=1326 /.test(l) && new RegExp(`\\bpid=${pid}\\b`).test(l))
    .filter(nr === undefined ? () => true : isRecordOf(nr));
}
