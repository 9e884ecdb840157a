/**
 * The processes now alive, from /proc: each one's parent, start time, program and user —
 * what `decode --pid` needs to tell which records belong to a process and its descendants.
 * Everything is read once; a process that ends while we read is simply not in the table.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** When it started, in seconds since the epoch (to within a second: /proc/stat's btime). */
  start: number;
  /** The program it runs (/proc/<pid>/exe); undefined when this user may not read it. */
  exe?: string;
  /** Its real uid, as audit records log it. */
  uid?: number;
}

/** USER_HZ: the unit of /proc/<pid>/stat's start time, 100 on every Linux arch. */
const TICKS_PER_SECOND = 100;

function bootTime(): number {
  return Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? 0);
}

/** /proc/<pid>/stat: the name is in parentheses and may hold anything, so fields count from the last ")". */
export function parseStat(text: string): { ppid: number; startTicks: number } | undefined {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ppid = Number(rest[1]);
  const startTicks = Number(rest[19]);
  return Number.isInteger(ppid) && Number.isFinite(startTicks) ? { ppid, startTicks } : undefined;
}

function readProcess(pid: number, boot: number): ProcessInfo | undefined {
  let stat;
  try {
    stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined; // gone
  }
  if (!stat) return undefined;
  const info: ProcessInfo = { pid, ppid: stat.ppid, start: boot + stat.startTicks / TICKS_PER_SECOND };
  try {
    info.exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    // Another user's process, or a kernel thread.
  }
  try {
    info.uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    // Gone meanwhile.
  }
  return info;
}

/** Every process alive now, by pid. */
export function processTable(): Map<number, ProcessInfo> {
  const boot = bootTime();
  const table = new Map<number, ProcessInfo>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const info = readProcess(Number(name), boot);
    if (info) table.set(info.pid, info);
  }
  return table;
}

/** The live descendants of `root`, each with the chain of pids from root's child down to it. */
export function descendants(root: number, table: ReadonlyMap<number, ProcessInfo>): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const p of table.values()) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const out = new Map<number, number[]>();
  const walk = (pid: number, chain: number[]) => {
    for (const child of children.get(pid) ?? []) {
      if (out.has(child)) continue;
      out.set(child, [...chain, child]);
      walk(child, [...chain, child]);
    }
  };
  walk(root, []);
  return out;
}
