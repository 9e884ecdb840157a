/**
 * The tables behind src/syscalls (index.ts is the public API over them): per arch, the
 * number libseccomp gives each SYSCALL_NAMES entry, and name → entry. Built on first use
 * with plain loops, as a first compile in a fresh process pays for them. Internal: the
 * compiler resolves through resolveOnArch() here.
 */
import { archInfo, nativeArch, type ArchName } from '../arch.js';
import { UnknownSyscallError } from '../errors.js';
import { IPC_CALLS, SOCKETCALL_CALLS, isMultiplexedName } from './multiplex.js';
import { suggest } from '../suggest.js';
import { NUMBER_ALIASES, PSEUDO_NUMBERS, SYSCALL_NAMES, TABLES, type SyscallName } from './table.generated.js';

/** x32 syscalls reach the kernel with this bit set in `nr` (they share x86_64's audit arch). */
export const X32_SYSCALL_BIT = 0x40000000;

/** Where each MIPS ABI starts numbering; syscalls.csv stores the offset from it. */
const MIPS_BASE: Readonly<Record<string, number>> = { mips: 4000, mips64: 5000, mips64n32: 6000 };

export interface ArchTable {
  readonly arch: ArchName;
  /** Raw syscalls.csv values in SYSCALL_NAMES order, -1 where the arch lacks the name. */
  readonly raw: readonly number[];
  readonly base: number;
  readonly x32: boolean;
  readonly socketcall: number | undefined;
  readonly ipc: number | undefined;
  /** Whether the arch has socketcall or ipc, so libseccomp multiplexes the socket and IPC names. */
  readonly muxes: boolean;
  /** Names whose number names another one back (NUMBER_ALIASES), index → index. */
  readonly aliases: Readonly<Record<number, number>> | undefined;
  /** nr (or pseudo number) → index in SYSCALL_NAMES; built on first reverse lookup. */
  byNumber?: Map<number, number>;
  names?: readonly SyscallName[];
}

let nameIndex: Map<string, number> | undefined;
/** 1 at the index of every socket and IPC name. */
let multiplexed: Uint8Array | undefined;
const archTables = new Map<string, ArchTable>();
let native: ArchName | undefined;

export function indexOfName(name: string): number | undefined {
  if (!nameIndex) {
    nameIndex = new Map();
    for (let i = 0; i < SYSCALL_NAMES.length; i++) nameIndex.set(SYSCALL_NAMES[i]!, i);
  }
  return nameIndex.get(name);
}

function multiplexedIndex(): Uint8Array {
  if (!multiplexed) {
    multiplexed = new Uint8Array(SYSCALL_NAMES.length);
    for (const name of Object.keys(SOCKETCALL_CALLS)) multiplexed[indexOfName(name)!] = 1;
    for (const name of Object.keys(IPC_CALLS)) multiplexed[indexOfName(name)!] = 1;
  }
  return multiplexed;
}

/** `arch`'s table (default: this process's arch). */
export function tableFor(arch: ArchName | undefined): ArchTable {
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
    muxes: info.socketcall !== undefined || info.ipc !== undefined,
    aliases: NUMBER_ALIASES[info.name],
  };
  archTables.set(key, table);
  return table;
}

/** Frozen, so suggest() prepares the list once (lowercased) and reuses it. */
const SUGGESTABLE: readonly string[] = Object.freeze([...SYSCALL_NAMES]);

/** Up to `max` known names close to `name` (typos, transposed letters, `SYS_`/`__NR_` prefixes). */
export function suggestSyscalls(name: string, max = 3): string[] {
  return suggest(name, SUGGESTABLE, { max });
}

export function indexOrThrow(name: string, table: ArchTable): number {
  if (typeof name !== 'string') throw new TypeError(`A syscall name must be a string, got ${typeof name}.`);
  const i = indexOfName(name);
  if (i === undefined) throw new UnknownSyscallError(name, table.arch, suggestSyscalls(name));
  return i;
}

/** The number the kernel sees for a table entry, or the pseudo number where there is none. */
export function direct(table: ArchTable, i: number): number {
  const nr = table.raw[i] ?? -1;
  if (nr < 0) return PSEUDO_NUMBERS[i] ?? -1;
  return table.x32 ? (nr | X32_SYSCALL_BIT) : nr + table.base;
}

/** What seccomp_syscall_resolve_name_arch() gives for entry `i`: on socketcall/ipc arches a socket or IPC name's pseudo number. */
export function rawNumber(table: ArchTable, i: number): number {
  return table.muxes && multiplexedIndex()[i] === 1 ? (PSEUDO_NUMBERS[i] ?? -1) : direct(table, i);
}

/**
 * The number libseccomp holds for a rule naming `name` on `arch` when the filter's native
 * arch is `native` (arch.c `arch_syscall_translate`): the name resolved on the native arch
 * (resolveSyscallRaw), that number named back there (syscallName), and the name found resolved
 * on `arch`. Naming back gives the same name but for the few NUMBER_ALIASES (names sharing a
 * pseudo number), so the name is resolved on `arch` directly, through its alias: no reverse
 * table is built. -1 (no number) is returned as it is, as libseccomp never translates it.
 */
export function resolveOnArch(name: string, arch: ArchName, native: ArchName): number {
  const from = tableFor(native);
  const i = indexOrThrow(name, from);
  const nr = rawNumber(from, i);
  if (arch === native || nr === -1) return nr;
  return rawNumber(tableFor(arch), from.aliases?.[i] ?? i);
}

// Reverse lookups see what libseccomp's do: a pseudo number names a syscall only on an arch
// that lacks it (aarch64 -10166 is `open`, x86 -10166 is nothing), except that a socket or IPC
// pseudo number always names its call on socketcall/ipc arches. __PNR_switch_endian and
// __PNR_sys_debug_setcontext share -10191; the first name alphabetically (switch_endian) wins,
// which is also libseccomp's answer.
export function byNumber(table: ArchTable): Map<number, number> {
  if (table.byNumber) return table.byNumber;
  const map = new Map<number, number>();
  SYSCALL_NAMES.forEach((name, i) => {
    const nr = direct(table, i);
    if (!map.has(nr)) map.set(nr, i);
    if (table.muxes && isMultiplexedName(name)) map.set(PSEUDO_NUMBERS[i] ?? -1, i);
  });
  map.delete(-1);
  table.byNumber = map;
  return map;
}
