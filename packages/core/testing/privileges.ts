/**
 * Whether this run holds the capabilities some controls need, read from /proc/self/status
 * when the tests are registered. A control shows an attack reaches the kernel; without
 * CAP_NET_RAW, CAP_SYS_ADMIN, … the kernel itself refuses some of them (a raw socket,
 * pivot_root, setuid(0)), so an unprivileged run skips those controls by name instead of
 * letting them pass or fail for the wrong reason. Children started by the suite inherit the
 * runner's credentials, so the runner's own set is what they have.
 */
import { readFileSync } from 'node:fs';

/** The capabilities the root-only controls need (linux/capability.h), by bit. */
const NEEDED = {
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
} as const;

export type Privileges = { privileged: true } | { privileged: false; why: string };

function statusField(status: string, field: string): string | undefined {
  return new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(status)?.[1]?.trim();
}

/** Which of the needed capabilities a CapEff mask (hex, as /proc prints it) lacks. */
export function missingCapabilities(capEff: string): string[] {
  const mask = BigInt(`0x${capEff}`);
  return Object.entries(NEEDED).filter(([, bit]) => ((mask >> BigInt(bit)) & 1n) === 0n).map(([name]) => name);
}

/** This process's effective capabilities against what the root-only controls need. */
export function privileges(): Privileges {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch (err) {
    return { privileged: false, why: `cannot read /proc/self/status (${(err as { code?: string }).code}) to tell which capabilities this run has` };
  }
  const capEff = statusField(status, 'CapEff') ?? '0';
  const missing = missingCapabilities(capEff);
  if (!missing.length) return { privileged: true };
  const uid = statusField(status, 'Uid')?.split(/\s+/)[1] ?? '?';
  return { privileged: false, why: `this run (euid ${uid}, CapEff ${capEff}) lacks ${missing.join(', ')}: without them the kernel itself refuses these calls (EPERM/EACCES), so a control cannot show that they reach it` };
}
