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

/** The value on the line `key:` of a status file, trimmed, or undefined without one. */
function statusField(text: string, key: string): string | undefined {
  const head = `${key}:`;
  // A line starts the text or follows a newline; indexOf beats a RegExp per field on a cold start.
  const at = text.startsWith(head) ? 0 : text.indexOf(`\n${head}`) + 1;
  if (at === 0 && !text.startsWith(head)) return undefined;
  const end = text.indexOf('\n', at);
  return text.slice(at + head.length, end < 0 ? undefined : end).trim();
}

/** Parses one /proc/<pid>/task/<tid>/status file. */
export function parseThreadStatus(tid: number, text: string): ThreadStatus {
  const seccomp = Number(statusField(text, 'Seccomp') ?? 0) as 0 | 1 | 2;
  const filters = statusField(text, 'Seccomp_filters');
  return {
    tid,
    name: statusField(text, 'Name') ?? '',
    seccomp,
    mode: MODES[seccomp] ?? 'disabled',
    filters: filters === undefined ? undefined : Number(filters),
    noNewPrivs: statusField(text, 'NoNewPrivs') === '1',
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

/**
 * Every thread of `pid` (default: this process), by tid. A thread that exits while the list is
 * read is left out. lockdown() verifies with this alone: the io_uring scan belongs before loading.
 */
export function readThreads(host: HostOps, pid?: number): ThreadStatus[] {
  const taskDir = `/proc/${pid ?? host.pid()}/task`;
  const threads: ThreadStatus[] = [];
  for (const entry of host.readDir(taskDir)) {
    try {
      threads.push(parseThreadStatus(Number(entry), host.readTextFile(`${taskDir}/${entry}/status`)));
    } catch {
      // The thread exited while we listed: skip it.
    }
  }
  return threads.sort((a, b) => a.tid - b.tid);
}

export function readStatus(host: HostOps, pid?: number): ProcessStatus {
  const target = pid ?? host.pid();
  const threads = readThreads(host, target);
  return { pid: target, threads, allFiltered: threads.length > 0 && threads.every((t) => t.seccomp === 2), ioUringFds: ioUringFds(host, target) };
}
