/**
 * Parsing the kernel's seccomp audit records (type=1326, AUDIT_SECCOMP), as they appear in
 * dmesg, journalctl -k, /var/log/audit/audit.log (type=SECCOMP) or ausearch output:
 *
 *   audit: type=1326 audit(1795928703.162:3833): auid=4294967295 uid=0 gid=0 ses=4294967295
 *     pid=11171 comm="bun.exe" exe="/usr/bin/bun" sig=31 arch=c000003e syscall=33 compat=0
 *     ip=0x7fa9cd418829 code=0x80000000
 *
 * The kernel writes untrusted strings (comm, exe) in double quotes, or as bare hex when
 * they contain spaces, quotes or control characters.
 */
import { archesByAudit, kernelAction, syscallName, X32_SYSCALL_BIT, type Action, type ArchName } from '@seccomp/node';

export interface SeccompRecord {
  /** Seconds since the epoch, from audit(…). */
  time?: number;
  serial?: number;
  pid?: number;
  /**
   * The parent's pid, when the input has it: the kernel's seccomp record does not carry it,
   * auditd's SYSCALL record for the same event (same serial) does.
   */
  ppid?: number;
  uid?: number;
  comm?: string;
  exe?: string;
  /** The audit arch as logged, and what it names. */
  auditArch: number;
  arch?: ArchName;
  /** seccomp_data.nr as logged (x32 calls keep bit 30). */
  nr: number;
  syscall?: string;
  /** True when the call came through a compat (32-bit) entry point. */
  compat?: boolean;
  ip?: string;
  /** The filter's return value, and the action the kernel took for it. */
  code: number;
  action: Action;
  /** The signal sent (SIGSYS = 31 for kill and trap), 0 for none. */
  signal?: number;
  /** The line as read. */
  line: string;
}

const RECORD = /\btype=(?:1326|SECCOMP)\b/;

function fields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of line.matchAll(/([a-z_]+)=("[^"]*"|\S+)/g)) out.set(m[1]!, m[2]!);
  return out;
}

/** Control characters shown escaped: a process name must not move the terminal's cursor. */
const printable = (text: string): string => text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

function untrusted(value: string | undefined): string | undefined {
  if (value === undefined || value === '(null)') return undefined;
  if (value.startsWith('"')) return printable(value.slice(1, -1));
  // Bare hex is how the kernel escapes a string it does not trust.
  return printable(/^([0-9A-F]{2})+$/.test(value) ? Buffer.from(value, 'hex').toString('utf8') : value);
}

const int = (v: string | undefined, base = 10): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number.parseInt(v.replace(/^0x/i, ''), base);
  return Number.isNaN(n) ? undefined : n;
};

function archOf(audit: number, nr: number): ArchName | undefined {
  const arches = archesByAudit(audit).map((a) => a.name);
  if (arches.includes('x86_64') && arches.includes('x32')) return (nr & X32_SYSCALL_BIT) !== 0 ? 'x32' : 'x86_64';
  return arches[0];
}

/** The record on this line, or undefined when the line is not a seccomp record. */
export function parseRecord(line: string): SeccompRecord | undefined {
  if (!RECORD.test(line)) return undefined;
  // auditd appends its own interpretation (AUID="root" ARCH=x86_64 …) after a GS character.
  const f = fields(line.split('\u001d')[0]!);
  const auditArch = int(f.get('arch'), 16);
  const nr = int(f.get('syscall'));
  const code = int(f.get('code'), 16);
  if (auditArch === undefined || nr === undefined || code === undefined) return undefined;
  const stamp = /audit\((\d+(?:\.\d+)?):(\d+)\)/.exec(line);
  const arch = archOf(auditArch, nr);
  const name = arch ? syscallName(nr, arch) : undefined;
  const compat = f.get('compat');
  return {
    ...(stamp && { time: Number(stamp[1]), serial: Number(stamp[2]) }),
    ...(f.has('pid') && { pid: int(f.get('pid')) }),
    ...(f.has('ppid') && { ppid: int(f.get('ppid')) }),
    ...(f.has('uid') && { uid: int(f.get('uid')) }),
    ...(untrusted(f.get('comm')) !== undefined && { comm: untrusted(f.get('comm')) }),
    ...(untrusted(f.get('exe')) !== undefined && { exe: untrusted(f.get('exe')) }),
    auditArch,
    ...(arch && { arch }),
    nr,
    ...(name && { syscall: name }),
    ...(compat !== undefined && { compat: compat === '1' }),
    ...(f.has('ip') && { ip: f.get('ip') }),
    code,
    action: kernelAction(code >>> 0),
    ...(f.has('sig') && { signal: int(f.get('sig')) }),
    line: line.trim(),
  };
}

const SYSCALL_RECORD = /\btype=(?:1300|SYSCALL)\b/;

/** auditd's SYSCALL records, by serial: the pid and ppid of the event's process. */
function parents(lines: readonly string[]): Map<number, { pid?: number; ppid?: number }> {
  const out = new Map<number, { pid?: number; ppid?: number }>();
  for (const line of lines) {
    if (!SYSCALL_RECORD.test(line)) continue;
    const serial = /audit\(\d+(?:\.\d+)?:(\d+)\)/.exec(line)?.[1];
    const f = fields(line.split('\u001d')[0]!);
    if (serial && f.has('ppid')) out.set(Number(serial), { pid: int(f.get('pid')), ppid: int(f.get('ppid')) });
  }
  return out;
}

export function parseRecords(text: string): SeccompRecord[] {
  const lines = text.split('\n');
  const records = lines.map(parseRecord).filter((r): r is SeccompRecord => r !== undefined);
  const bySerial = parents(lines);
  if (!bySerial.size) return records;
  return records.map((r) => {
    const event = r.serial === undefined ? undefined : bySerial.get(r.serial);
    return r.ppid === undefined && event?.ppid !== undefined && event.pid === r.pid ? { ...r, ppid: event.ppid } : r;
  });
}
