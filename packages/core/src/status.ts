/**
 * Reading a process's seccomp state from /proc, as the troubleshooting guide this project
 * grew from suggests: the `Seccomp:`, `Seccomp_filters:` and `NoNewPrivs:` lines of each
 * thread's status file (proc(5)).
 */
import type { HostOps } from './backend.js';

export type SeccompMode = 'disabled' | 'strict' | 'filter';

export interface ThreadStatus {
  tid: number;
  name: string;
  /** 0 disabled, 1 strict, 2 filter. */
  seccomp: 0 | 1 | 2;
  mode: SeccompMode;
  /** Number of filters attached (kernel ≥ 5.9), else undefined. */
  filters: number | undefined;
  noNewPrivs: boolean;
}

export interface ProcessStatus {
  pid: number;
  threads: ThreadStatus[];
  /** True when every thread runs in filter mode. */
  allFiltered: boolean;
  /** io_uring instances the process holds (fds pointing at anon_inode:[io_uring]). */
  ioUringFds: number[];
}

const MODES: SeccompMode[] = ['disabled', 'strict', 'filter'];

/** Parses one /proc/<pid>/task/<tid>/status file. */
export function parseThreadStatus(tid: number, text: string): ThreadStatus {
  const field = (key: string): string | undefined => {
    const m = new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text);
    return m?.[1]?.trim();
  };
  const seccomp = Number(field('Seccomp') ?? 0) as 0 | 1 | 2;
  const filters = field('Seccomp_filters');
  return {
    tid,
    name: field('Name') ?? '',
    seccomp,
    mode: MODES[seccomp] ?? 'disabled',
    filters: filters === undefined ? undefined : Number(filters),
    noNewPrivs: field('NoNewPrivs') === '1',
  };
}

/** The fds of `pid` that are io_uring instances. */
export function ioUringFds(host: HostOps, pid: number | 'self'): number[] {
  const dir = `/proc/${pid}/fd`;
  const out: number[] = [];
  for (const fd of host.readDir(dir)) {
    try {
      if (host.readLink(`${dir}/${fd}`) === 'anon_inode:[io_uring]') out.push(Number(fd));
    } catch {
      // The fd was closed between listing and reading: not an io_uring any more.
    }
  }
  return out.sort((a, b) => a - b);
}

export function readStatus(host: HostOps, pid?: number): ProcessStatus {
  const target = pid ?? host.pid();
  const taskDir = `/proc/${target}/task`;
  const threads: ThreadStatus[] = [];
  for (const entry of host.readDir(taskDir)) {
    try {
      threads.push(parseThreadStatus(Number(entry), host.readTextFile(`${taskDir}/${entry}/status`)));
    } catch {
      // The thread exited while we listed: skip it.
    }
  }
  threads.sort((a, b) => a.tid - b.tid);
  return { pid: target, threads, allFiltered: threads.length > 0 && threads.every((t) => t.seccomp === 2), ioUringFds: ioUringFds(host, target) };
}
