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
 * Lookups are a Map hit and an array read; the maps are built once, on first use, with plain
 * loops (a first compile in a fresh process pays for them).
 */
import { archInfo, type ArchName } from '../arch.js';
import { SOCKETCALL_CALLS, isMultiplexedName } from './multiplex.js';
import { KERNEL_VERSIONS, SYSCALL_NAMES, type SyscallName } from './table.generated.js';
import { byNumber, direct, indexOfName, indexOrThrow, rawNumber, tableFor, X32_SYSCALL_BIT } from './lookup.js';

export { IPC_CALLS, SOCKETCALL_CALLS, isMultiplexedName, type IpcName, type SocketcallName } from './multiplex.js';
export { SYSCALL_TABLE_KERNEL, type SyscallName } from './table.generated.js';
export { X32_SYSCALL_BIT, suggestSyscalls } from './lookup.js';

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
  return rawNumber(table, indexOrThrow(name, table));
}

/**
 * libseccomp's `seccomp_syscall_resolve_name_rewrite()` (`scmp_sys_resolver -t`): on
 * socketcall/ipc arches a socket name gives socketcall's number and an IPC name ipc's
 * (x86 `accept4` → 102, `semop` → 117); otherwise as resolveSyscallRaw.
 */
export function resolveSyscallRewrite(name: SyscallName | (string & {}), arch?: ArchName): number {
  const table = tableFor(arch);
  const i = indexOrThrow(name, table);
  if (table.muxes && isMultiplexedName(name)) {
    const via = Object.hasOwn(SOCKETCALL_CALLS, name) ? table.socketcall : table.ipc;
    if (via !== undefined) return via;
  }
  return direct(table, i);
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

/**
 * The kernel version that added `name` on `arch` (`"5.6"`), when libseccomp records one.
 * Its v2.6.1 table records none yet (every entry is SCMP_KV_UNDEF), so today this is undefined.
 */
export function syscallKernelVersion(name: SyscallName | (string & {}), arch?: ArchName): string | undefined {
  const table = tableFor(arch);
  indexOrThrow(name, table);
  return KERNEL_VERSIONS[archInfo(table.arch).table]?.[name];
}
