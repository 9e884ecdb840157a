/**
 * Syscall names and numbers on every arch, from libseccomp's own table (table.generated.ts),
 * resolved the way libseccomp resolves them:
 *  - MIPS tables leave out the ABI base (o32 4000, n64 5000, n32 6000) and x32 the
 *    __X32_SYSCALL_BIT; both are added here, as libseccomp adds them, so the numbers are
 *    what the kernel puts in `seccomp_data.nr`.
 *  - A name an arch lacks resolves to libseccomp's negative pseudo-syscall number
 *    (aarch64 `open` → -10166). No real call carries it: seccomp_rule_add accepts a rule
 *    on it that never matches there, seccomp_rule_add_exact refuses it (EDOM).
 *  - On arches with socketcall(2)/ipc(2), libseccomp resolves the socket and IPC names to
 *    their pseudo numbers even when a direct syscall exists (see multiplex.ts).
 * Lookups are a Map hit and an array read; the maps are built once, on first use.
 */
import { archInfo, nativeArch, type ArchName } from '../arch.js';
import { UnknownSyscallError } from '../errors.js';
import { SOCKETCALL_CALLS, isMultiplexedName } from './multiplex.js';
import { closestNames } from './suggest.js';
import { KERNEL_VERSIONS, PSEUDO_NUMBERS, SYSCALL_NAMES, TABLES, type SyscallName } from './table.generated.js';

export { IPC_CALLS, SOCKETCALL_CALLS, isMultiplexedName, type IpcName, type SocketcallName } from './multiplex.js';
export { SYSCALL_TABLE_KERNEL, type SyscallName } from './table.generated.js';

/** x32 syscalls reach the kernel with this bit set in `nr` (they share x86_64's audit arch). */
export const X32_SYSCALL_BIT = 0x40000000;

/** Where each MIPS ABI starts numbering; syscalls.csv stores the offset from it. */
const MIPS_BASE: Readonly<Record<string, number>> = { mips: 4000, mips64: 5000, mips64n32: 6000 };

interface ArchTable {
  readonly arch: ArchName;
  /** Raw syscalls.csv values in SYSCALL_NAMES order, -1 where the arch lacks the name. */
  readonly raw: readonly number[];
  readonly base: number;
  readonly x32: boolean;
  readonly socketcall: number | undefined;
  readonly ipc: number | undefined;
  /** nr (or pseudo number) → index in SYSCALL_NAMES; built on first reverse lookup. */
  byNumber?: Map<number, number>;
  names?: readonly SyscallName[];
}

let nameIndex: Map<string, number> | undefined;
const archTables = new Map<string, ArchTable>();
let native: ArchName | undefined;

function indexOfName(name: string): number | undefined {
  nameIndex ??= new Map(SYSCALL_NAMES.map((n, i) => [n, i]));
  return nameIndex.get(name);
}

function tableFor(arch: ArchName | undefined): ArchTable {
  const key = arch ?? (native ??= nativeArch());
  const cached = archTables.get(key);
  if (cached) return cached;
  const info = archInfo(key);
  const raw = TABLES[info.table];
  if (!raw) throw new Error(`No syscall table "${info.table}" for ${info.name}; run \`pnpm gen\`.`);
  const table: ArchTable = {
    arch: info.name,
    raw,
    base: MIPS_BASE[info.table] ?? 0,
    x32: info.name === 'x32',
    socketcall: info.socketcall,
    ipc: info.ipc,
  };
  archTables.set(key, table);
  return table;
}

function indexOrThrow(name: string, table: ArchTable): number {
  if (typeof name !== 'string') throw new TypeError(`A syscall name must be a string, got ${typeof name}.`);
  const i = indexOfName(name);
  if (i === undefined) throw new UnknownSyscallError(name, table.arch, suggestSyscalls(name));
  return i;
}

/** The number the kernel sees for a table entry, or the pseudo number where there is none. */
function direct(table: ArchTable, i: number): number {
  const nr = table.raw[i] ?? -1;
  if (nr < 0) return PSEUDO_NUMBERS[i] ?? -1;
  return table.x32 ? (nr | X32_SYSCALL_BIT) : nr + table.base;
}

function multiplexes(table: ArchTable): boolean {
  return table.socketcall !== undefined || table.ipc !== undefined;
}

/**
 * The syscall's own number on `arch` (default: the native arch): x86 `socket` → 359,
 * x32 `read` → 0x40000000. A name the arch lacks gives libseccomp's negative pseudo number.
 * Throws UnknownSyscallError (with suggestions) for a name no arch has.
 */
export function resolveSyscall(name: SyscallName | (string & {}), arch?: ArchName): number {
  const table = tableFor(arch);
  return direct(table, indexOrThrow(name, table));
}

/**
 * Exactly libseccomp's `seccomp_syscall_resolve_name_arch()`: like resolveSyscall, except
 * that on socketcall/ipc arches every socket and IPC name gives its pseudo number (x86
 * `socket` → -101). libseccomp returns -1 for an unknown name; this throws instead.
 */
export function resolveSyscallRaw(name: SyscallName | (string & {}), arch?: ArchName): number {
  const table = tableFor(arch);
  const i = indexOrThrow(name, table);
  return multiplexes(table) && isMultiplexedName(name) ? (PSEUDO_NUMBERS[i] ?? -1) : direct(table, i);
}

/**
 * libseccomp's `seccomp_syscall_resolve_name_rewrite()` (`scmp_sys_resolver -t`): on
 * socketcall/ipc arches a socket name gives socketcall's number and an IPC name ipc's
 * (x86 `accept4` → 102, `semop` → 117); otherwise as resolveSyscallRaw.
 */
export function resolveSyscallRewrite(name: SyscallName | (string & {}), arch?: ArchName): number {
  const table = tableFor(arch);
  const i = indexOrThrow(name, table);
  if (multiplexes(table) && isMultiplexedName(name)) {
    const via = Object.hasOwn(SOCKETCALL_CALLS, name) ? table.socketcall : table.ipc;
    if (via !== undefined) return via;
  }
  return direct(table, i);
}

// Reverse lookups see what libseccomp's do: a pseudo number names a syscall only on an arch
// that lacks it (aarch64 -10166 is `open`, x86 -10166 is nothing), except that a socket or IPC
// pseudo number always names its call on socketcall/ipc arches. __PNR_switch_endian and
// __PNR_sys_debug_setcontext share -10191; the first name alphabetically (switch_endian) wins,
// which is also libseccomp's answer.
function byNumber(table: ArchTable): Map<number, number> {
  if (table.byNumber) return table.byNumber;
  const map = new Map<number, number>();
  SYSCALL_NAMES.forEach((name, i) => {
    const nr = direct(table, i);
    if (!map.has(nr)) map.set(nr, i);
    if (multiplexes(table) && isMultiplexedName(name)) map.set(PSEUDO_NUMBERS[i] ?? -1, i);
  });
  map.delete(-1);
  table.byNumber = map;
  return map;
}

/**
 * The name of syscall `nr` on `arch` (default: native), or undefined. On x32 the X32 bit is
 * optional, as in libseccomp; MIPS numbers must include their ABI base (o32 `open` is 4005).
 */
export function syscallName(nr: number, arch?: ArchName): SyscallName | undefined {
  if (!Number.isInteger(nr)) return undefined;
  const table = tableFor(arch);
  const key = table.x32 && nr >= 0 && nr < X32_SYSCALL_BIT ? nr | X32_SYSCALL_BIT : nr;
  const i = byNumber(table).get(key);
  return i === undefined ? undefined : SYSCALL_NAMES[i];
}

/** The names `arch` (default: native) has a syscall number for, sorted. */
export function syscallNames(arch?: ArchName): readonly SyscallName[] {
  const table = tableFor(arch);
  table.names ??= Object.freeze(SYSCALL_NAMES.filter((_, i) => (table.raw[i] ?? -1) >= 0));
  return table.names;
}

export function isSyscallName(name: unknown): name is SyscallName {
  return typeof name === 'string' && indexOfName(name) !== undefined;
}

/** Up to `max` known names close to `name` (typos, transposed letters, `SYS_`/`__NR_` prefixes). */
export function suggestSyscalls(name: string, max = 3): string[] {
  return closestNames(String(name), SYSCALL_NAMES, max);
}

/**
 * The kernel version that added `name` on `arch` (`"5.6"`), when libseccomp records one.
 * Its v2.6.1 table records none yet (every entry is SCMP_KV_UNDEF), so today this is undefined.
 */
export function syscallKernelVersion(name: SyscallName | (string & {}), arch?: ArchName): string | undefined {
  const table = tableFor(arch);
  indexOrThrow(name, table);
  return KERNEL_VERSIONS[archInfo(table.arch).table]?.[name];
}
