/**
 * The 23 architectures libseccomp knows, with the facts a filter depends on.
 *
 * `token` is libseccomp's `SCMP_ARCH_*` value (what `seccomp_arch_add()` takes);
 * `auditArch` is what the kernel writes into `seccomp_data.arch`. They differ only
 * for x32, whose syscalls arrive with the x86_64 audit arch and bit 30 set in `nr`.
 * Values: libseccomp 2.6 `seccomp.h` and the kernel's `AUDIT_ARCH_*` (uapi/linux/audit.h).
 */
import { describeValue } from './input.js';

export type Endian = 'little' | 'big';

export interface ArchInfo {
  readonly name: ArchName;
  readonly token: number;
  readonly auditArch: number;
  readonly bits: 32 | 64;
  readonly endian: Endian;
  /** socketcall(2) number where socket calls are multiplexed, else undefined. */
  readonly socketcall?: number;
  /** ipc(2) number where SysV IPC calls are multiplexed, else undefined. */
  readonly ipc?: number;
  /** The column in libseccomp's syscalls.csv that holds this arch's numbers. */
  readonly table: string;
  /** OCI runtime-spec name (`SCMP_ARCH_X86_64`). */
  readonly oci: string;
}

export const ARCH_NAMES = [
  'x86', 'x86_64', 'x32', 'arm', 'aarch64', 'loongarch64', 'm68k', 'mips', 'mipsel', 'mips64',
  'mipsel64', 'mips64n32', 'mipsel64n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64le',
  'riscv64', 's390', 's390x', 'sh', 'sheb',
] as const;

export type ArchName = (typeof ARCH_NAMES)[number];

type Row = [token: number, audit: number, bits: 32 | 64, endian: Endian, table: string, oci: string, socketcall?: number, ipc?: number];

// prettier-ignore
const ROWS: Record<ArchName, Row> = {
  x86:         [0x40000003, 0x40000003, 32, 'little', 'x86', 'SCMP_ARCH_X86', 102, 117],
  x86_64:      [0xc000003e, 0xc000003e, 64, 'little', 'x86_64', 'SCMP_ARCH_X86_64'],
  x32:         [0x4000003e, 0xc000003e, 32, 'little', 'x32', 'SCMP_ARCH_X32'],
  arm:         [0x40000028, 0x40000028, 32, 'little', 'arm', 'SCMP_ARCH_ARM'],
  aarch64:     [0xc00000b7, 0xc00000b7, 64, 'little', 'aarch64', 'SCMP_ARCH_AARCH64'],
  loongarch64: [0xc0000102, 0xc0000102, 64, 'little', 'loongarch64', 'SCMP_ARCH_LOONGARCH64'],
  m68k:        [0x00000004, 0x00000004, 32, 'big', 'm68k', 'SCMP_ARCH_M68K', 102, 117],
  mips:        [0x00000008, 0x00000008, 32, 'big', 'mips', 'SCMP_ARCH_MIPS', 4102, 4117],
  mipsel:      [0x40000008, 0x40000008, 32, 'little', 'mips', 'SCMP_ARCH_MIPSEL', 4102, 4117],
  mips64:      [0x80000008, 0x80000008, 64, 'big', 'mips64', 'SCMP_ARCH_MIPS64'],
  mipsel64:    [0xc0000008, 0xc0000008, 64, 'little', 'mips64', 'SCMP_ARCH_MIPSEL64'],
  mips64n32:   [0xa0000008, 0xa0000008, 32, 'big', 'mips64n32', 'SCMP_ARCH_MIPS64N32'],
  mipsel64n32: [0xe0000008, 0xe0000008, 32, 'little', 'mips64n32', 'SCMP_ARCH_MIPSEL64N32'],
  parisc:      [0x0000000f, 0x0000000f, 32, 'big', 'parisc', 'SCMP_ARCH_PARISC'],
  parisc64:    [0x8000000f, 0x8000000f, 64, 'big', 'parisc64', 'SCMP_ARCH_PARISC64'],
  ppc:         [0x00000014, 0x00000014, 32, 'big', 'ppc', 'SCMP_ARCH_PPC', 102, 117],
  ppc64:       [0x80000015, 0x80000015, 64, 'big', 'ppc64', 'SCMP_ARCH_PPC64', 102, 117],
  ppc64le:     [0xc0000015, 0xc0000015, 64, 'little', 'ppc64', 'SCMP_ARCH_PPC64LE', 102, 117],
  riscv64:     [0xc00000f3, 0xc00000f3, 64, 'little', 'riscv64', 'SCMP_ARCH_RISCV64'],
  s390:        [0x00000016, 0x00000016, 32, 'big', 's390', 'SCMP_ARCH_S390', 102, 117],
  s390x:       [0x80000016, 0x80000016, 64, 'big', 's390x', 'SCMP_ARCH_S390X', 102, 117],
  sh:          [0x4000002a, 0x4000002a, 32, 'little', 'sh', 'SCMP_ARCH_SH', 102, 117],
  sheb:        [0x0000002a, 0x0000002a, 32, 'big', 'sh', 'SCMP_ARCH_SHEB', 102, 117],
};

function build(name: ArchName): ArchInfo {
  const [token, auditArch, bits, endian, table, oci, socketcall, ipc] = ROWS[name];
  return Object.freeze({ name, token, auditArch, bits, endian, table, oci, socketcall, ipc });
}

export const ARCHES: Readonly<Record<ArchName, ArchInfo>> = Object.freeze(
  Object.fromEntries(ARCH_NAMES.map((n) => [n, build(n)])) as Record<ArchName, ArchInfo>,
);

export function isArchName(value: unknown): value is ArchName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ROWS, value);
}

/** Looks an arch up by name, OCI name (`SCMP_ARCH_AARCH64`) or libseccomp token. */
export function archInfo(arch: ArchName | string | number): ArchInfo {
  const found = findArch(arch);
  if (!found) {
    throw new RangeError(
      `Unknown architecture ${typeof arch === 'string' && arch.length <= 40 ? JSON.stringify(arch) : describeValue(arch)}: use one of ${ARCH_NAMES.join(', ')} (or an OCI name such as SCMP_ARCH_X86_64).`,
    );
  }
  return found;
}

export function findArch(arch: ArchName | string | number): ArchInfo | undefined {
  if (typeof arch === 'number') return ARCH_NAMES.map((n) => ARCHES[n]).find((a) => a.token === arch >>> 0);
  if (isArchName(arch)) return ARCHES[arch];
  if (typeof arch === 'string') return ARCH_NAMES.map((n) => ARCHES[n]).find((a) => a.oci === arch.toUpperCase());
  return undefined;
}

/** Arches whose kernel audit arch is `audit` (x86_64 and x32 share one). */
export function archesByAudit(audit: number): ArchInfo[] {
  return ARCH_NAMES.map((n) => ARCHES[n]).filter((a) => a.auditArch === audit >>> 0);
}

/** Maps a JS engine's idea of the CPU (`process.arch`, `Deno.build.arch`, `os.machine()`) to an arch. */
const MACHINE_TO_ARCH: Record<string, ArchName> = {
  x64: 'x86_64', x86_64: 'x86_64', amd64: 'x86_64', ia32: 'x86', i386: 'x86', i686: 'x86', x86: 'x86',
  arm64: 'aarch64', aarch64: 'aarch64', arm: 'arm', armv7l: 'arm', loong64: 'loongarch64',
  loongarch64: 'loongarch64', riscv64: 'riscv64', s390x: 's390x', s390: 's390', ppc64: 'ppc64le',
  ppc64le: 'ppc64le', mips: 'mips', mipsel: 'mipsel', mips64el: 'mipsel64', mips64: 'mips64',
};

/**
 * The arch this process runs as: the one place the SDK learns it. Core imports no runtime
 * API, so it reads the global the engine exposes (`process.arch` in Node and Bun,
 * `Deno.build.arch` in Deno); the backends do not answer it again. `hint` names another
 * machine (a test's HostOps.machine(), `os.machine()`'s spelling).
 */
export function nativeArch(hint?: string): ArchName {
  const g = globalThis as { process?: { arch?: string }; Deno?: { build?: { arch?: string } } };
  const machine = hint ?? g.Deno?.build?.arch ?? g.process?.arch;
  const arch = machine !== undefined && Object.hasOwn(MACHINE_TO_ARCH, machine) ? MACHINE_TO_ARCH[machine] : undefined;
  if (!arch) throw new RangeError(`Cannot tell the native architecture from ${JSON.stringify(machine)}; pass one of ${ARCH_NAMES.join(', ')}.`);
  return arch;
}
