/**
 * Which seccomp records belong to a process and its descendants (`decode --pid N`). The
 * kernel's seccomp record names the calling process — pid is its thread group id — but not
 * its parent, and a child that tried something the filter refused (an exec attempt) has
 * usually exited by the time anyone reads the log. So a record is N's when:
 *
 *   self          its pid is N;
 *   child         the input names its parent (a ppid on the line, or on auditd's SYSCALL
 *                 record with the same serial), and that parent is N or a live descendant;
 *   descendant    its pid is alive now and descends from N through /proc's parent links, and
 *                 it was logged after that pid started (an earlier holder of the pid is not it);
 *   likely-child  its pid is gone, and it ran N's program as N's user after N started: a
 *                 child between fork and exec as far as the record can tell — inferred, since
 *                 the record has no parent pid, and marked so.
 */
import type { SeccompRecord } from './audit-log.js';
import { descendants, processTable, type ProcessInfo } from './process-tree.js';

export type Relation = 'self' | 'child' | 'descendant' | 'likely-child';

export interface Family {
  root: number;
  /** N as it is now; undefined once it has exited. */
  process?: ProcessInfo;
  live: ReadonlyMap<number, ProcessInfo>;
  /** Live descendants of N, each with its chain of pids below N. */
  descendants: ReadonlyMap<number, number[]>;
}

/** /proc's start times are only as exact as btime: a whole second. */
const SLACK_SECONDS = 1;

export function familyOf(root: number, live: ReadonlyMap<number, ProcessInfo> = processTable()): Family {
  const process = live.get(root);
  return { root, ...(process && { process }), live, descendants: descendants(root, live) };
}

const loggedAfter = (r: SeccompRecord, start: number) => r.time === undefined || r.time >= start - SLACK_SECONDS;

export function relationTo(r: SeccompRecord, f: Family): { relation: Relation; via?: number[] } | undefined {
  if (r.pid === undefined) return undefined;
  if (r.pid === f.root) return { relation: 'self' };
  if (r.ppid !== undefined && (r.ppid === f.root || f.descendants.has(r.ppid))) {
    return { relation: 'child', via: [...(f.descendants.get(r.ppid) ?? []), r.pid] };
  }
  const chain = f.descendants.get(r.pid);
  const now = f.live.get(r.pid);
  if (chain && now && loggedAfter(r, now.start)) return { relation: 'descendant', via: chain };
  const p = f.process;
  if (!now && p?.exe !== undefined && r.exe === p.exe && r.uid === p.uid && loggedAfter(r, p.start)) return { relation: 'likely-child' };
  return undefined;
}
