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

const WANTED = new Set(['Name', 'Seccomp', 'Seccomp_filters', 'NoNewPrivs']);

/** Parses one /proc/<pid>/task/<tid>/status file: one pass over its lines, not a search per field. */
export function parseThreadStatus(tid: number, text: string): ThreadStatus {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (WANTED.has(key) && !fields.has(key)) fields.set(key, line.slice(colon + 1).trim());
  }
  const seccomp = Number(fields.get('Seccomp') ?? 0) as 0 | 1 | 2;
  const filters = fields.get('Seccomp_filters');
  return {
    tid,
    name: fields.get('Name') ?? '',
    seccomp,
    mode: MODES[seccomp] ?? 'disabled',
    filters: filters === undefined ? undefined : Number(filters),
    noNewPrivs: fields.get('NoNewPrivs') === '1',
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
