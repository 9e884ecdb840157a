/**
 * The other ABIs a kernel accepts calls through, compared verdict by verdict with the native
 * one. A syscall is "stopped" when some call of it is: a rule that allows socket() except for
 * AF_VSOCK stops socket(AF_VSOCK, …), so the comparison probes each syscall with the argument
 * values its rules mention (and their neighbours), not only with zeros. Through socketcall(2)
 * and ipc(2) the real arguments sit in memory the filter cannot read, so there a call runs
 * whenever the multiplexer runs with that call's number.
 */
import {
  Action, formatAction, IPC_CALLS, isMultiplexedName, SOCKETCALL_CALLS, syscallNames, archInfo,
  type ArchName, type Profile,
} from '@seccomp/node';
import { listSome, plural } from '../text.js';
import type { Finding, Verdicts } from './audit-types.js';

/** The other ABIs a kernel for `arch` accepts calls through. */
const ENTRY_POINTS: Partial<Record<ArchName, readonly { arch: ArchName; how: string }[]>> = {
  x86_64: [{ arch: 'x86', how: 'i386: int 0x80, sysenter' }, { arch: 'x32', how: 'x32: syscall numbers with bit 30 set' }],
  aarch64: [{ arch: 'arm', how: 'AArch32 compat' }],
  s390x: [{ arch: 's390', how: '31-bit compat' }],
  mips64: [{ arch: 'mips', how: 'o32' }, { arch: 'mips64n32', how: 'n32' }],
  mipsel64: [{ arch: 'mipsel', how: 'o32' }, { arch: 'mipsel64n32', how: 'n32' }],
};

/** Listed first when a finding names many syscalls: the ones an attacker reaches for. */
const NOTABLE = new Set([
  'execve', 'execveat', 'fork', 'vfork', 'clone', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'mount', 'umount2',
  'unshare', 'setns', 'chroot', 'pivot_root', 'bpf', 'perf_event_open', 'userfaultfd', 'init_module', 'finit_module',
  'kexec_load', 'keyctl', 'add_key', 'io_uring_setup', 'personality', 'setuid', 'setgid', 'socket',
]);

/**
 * Probes stay in 32 bits: the compat ABIs pass 32-bit registers (and libseccomp compares only
 * the low word on x32), so a 64-bit value would differ only in bits the syscall never reads.
 */
const U32 = 0xffffffffn;
/** Enough to cover every rule of a hand-written profile; a generated one with more gets its first ones. */
const MAX_PROBES = 64;

/** One call that gets through another ABI although the native one stops it. */
export interface Bypass {
  syscall: string;
  /** The multiplexer it goes through, when not called directly. */
  via?: 'socketcall' | 'ipc';
  /** Each argument vector the native arch stops it with (all zero unless a rule looks at them). */
  args: string[][];
}

/** Argument vectors worth asking about for `name`: zeros, and around each value its rules compare with. */
export function probes(profile: Profile, name: string): bigint[][] {
  const out = new Map<string, bigint[]>();
  const add = (args: bigint[]) => {
    if (out.size < MAX_PROBES) out.set(args.join(','), args);
  };
  add([0n, 0n, 0n, 0n, 0n, 0n]);
  for (const rule of profile.rules) {
    if (!rule.conditions?.length || !rule.syscalls.includes(name)) continue;
    for (const pick of [0, 1, 2, 3]) {
      const all = [0n, 0n, 0n, 0n, 0n, 0n];
      for (const c of rule.conditions) {
        // The value and its neighbours; for a mask, the mask's bits flipped (the flag set or cleared).
        const value = c.op === 'maskedEq' ? [c.value, c.value ^ c.mask, c.mask, 0n][pick]! : [c.value, c.value + 1n, c.value - 1n, 0n][pick]!;
        if (value < 0n || value > U32) continue;
        all[c.arg] = value;
        const one = [0n, 0n, 0n, 0n, 0n, 0n];
        one[c.arg] = value;
        add(one);
      }
      add(all);
    }
  }
  return [...out.values()];
}

function notableFirst<T extends { syscall: string }>(items: readonly T[]): T[] {
  const key = (b: T) => (NOTABLE.has(b.syscall) ? 0 : 1);
  return [...items].sort((a, b) => key(a) - key(b));
}

/** `socket (arg0 = 0x26 or arg0 = 0x28) (through socketcall)`; a call with all-zero arguments is just its name. */
export function describeBypass(b: Bypass): string {
  const calls = b.args
    .map((args) => args.map((a, i) => (a === '0x0' ? '' : `arg${i} = ${a}`)).filter(Boolean).join(', '))
    .filter(Boolean);
  const args = calls.length && calls.length === b.args.length ? ` (${calls.join(' or ')})` : '';
  return `${b.syscall}${args}${b.via ? ` (through ${b.via})` : ''}`;
}

function multiplexer(name: string, entry: ArchName): { via: 'socketcall' | 'ipc'; call: number } | undefined {
  if (!isMultiplexedName(name)) return undefined;
  const info = archInfo(entry);
  if (Object.hasOwn(SOCKETCALL_CALLS, name)) {
    return info.socketcall === undefined ? undefined : { via: 'socketcall', call: SOCKETCALL_CALLS[name as keyof typeof SOCKETCALL_CALLS] };
  }
  return info.ipc === undefined ? undefined : { via: 'ipc', call: IPC_CALLS[name as keyof typeof IPC_CALLS] };
}

/** Every call stopped on `primary` that runs through `entry`, directly or through a multiplexer. */
export function bypasses(v: Verdicts, profile: Profile, primary: ArchName, entry: ArchName): Bypass[] {
  const theirs = new Set<string>(syscallNames(entry));
  const found: Bypass[] = [];
  for (const name of syscallNames(primary)) {
    const mux = multiplexer(name, entry);
    if (!theirs.has(name) && !mux) continue;
    const direct: string[][] = [];
    const muxed: string[][] = [];
    for (const args of probes(profile, name)) {
      if (v.runs(primary, name, args)) continue;
      const hex = args.map((a) => `0x${a.toString(16)}`);
      if (theirs.has(name) && v.runs(entry, name, args)) direct.push(hex);
      // The filter sees socketcall(call, pointer): the call's own arguments are out of its reach.
      if (mux && v.runs(entry, mux.via, [BigInt(mux.call)])) muxed.push(hex);
    }
    if (direct.length) found.push({ syscall: name, args: direct });
    if (muxed.length && mux) found.push({ syscall: name, via: mux.via, args: muxed });
  }
  return notableFirst(found);
}

export function entryPointFindings(v: Verdicts, profile: Profile, primary: ArchName, findings: Finding[]): void {
  const covered = profile.arches ?? [primary];
  const badArch = formatAction(profile.attributes?.badArchAction ?? Action.killProcess);
  for (const entry of ENTRY_POINTS[primary] ?? []) {
    const found = bypasses(v, profile, primary, entry.arch);
    const label = `${entry.arch} entry point (${entry.how})`;
    const code = `entry-point-${entry.arch}`;
    const base = { id: code, code, arch: entry.arch, primary };
    if (found.length) {
      const how = covered.includes(entry.arch) ? 'its rules differ' : `it is not among the filter's arches and the bad-arch action is ${badArch}`;
      const names = found.map(describeBypass);
      findings.push({
        ...base, severity: 'high', syscalls: names, bypasses: found,
        message: `${label}: ${plural(found.length, 'syscall')} stopped on ${primary} run${found.length === 1 ? 's' : ''} through it (${how}): ${listSome(names, 10)}`,
      });
    } else if (!covered.includes(entry.arch)) {
      findings.push({ ...base, severity: 'info', message: `${label}: handled — not among the filter's arches, so every call through it gets the bad-arch action (${badArch})` });
    } else {
      findings.push({ ...base, severity: 'info', message: `${label}: handled — covered by the filter, nothing stopped on ${primary} runs through it` });
    }
  }
}
