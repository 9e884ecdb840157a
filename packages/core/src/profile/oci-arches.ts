/**
 * The three ways OCI profiles spell an arch: `SCMP_ARCH_X86_64` in architectures and
 * archMap, and Docker's own names (`amd64`, `arm64`, …) in includes/excludes, which
 * come from Go's GOARCH through moby's table.
 */
import { ARCH_NAMES, ARCHES, findArch, isArchName, type ArchName } from '../arch.js';

/** `SCMP_ARCH_X86_64` → `x86_64`; the exact upper-case spelling only, as runc reads it. */
export function archFromOci(name: string): ArchName | undefined {
  return ARCH_NAMES.find((a) => ARCHES[a].oci === name);
}

/**
 * Docker's spelling where it differs from ours. `mipsle` and `mips3l64n32` are what
 * moby's table says (the second one a typo kept for compatibility); matching them costs nothing.
 */
const DOCKER_NAMES: Partial<Record<ArchName, readonly string[]>> = {
  x86_64: ['amd64'],
  aarch64: ['arm64'],
  loongarch64: ['loong64'],
  mipsel: ['mipsle'],
  mipsel64n32: ['mips3l64n32'],
};

/** Every spelling of `arch` an includes/excludes list may use: Docker's and ours. */
export function dockerSpellings(arch: ArchName): readonly string[] {
  return [arch, ...(DOCKER_NAMES[arch] ?? [])];
}

const ALL_SPELLINGS: ReadonlySet<string> = new Set(ARCH_NAMES.flatMap(dockerSpellings));

export function isDockerArch(text: string): boolean {
  return ALL_SPELLINGS.has(text);
}

export function dockerArchNames(): readonly string[] {
  return [...ALL_SPELLINGS];
}

/** The arch a string in any of the three spellings names (`amd64`, `x86_64`, `scmp_arch_x86_64`). */
export function anyArch(text: string): ArchName | undefined {
  if (isArchName(text)) return text;
  const docker = ARCH_NAMES.find((a) => DOCKER_NAMES[a]?.includes(text));
  return docker ?? (text.length <= 64 ? findArch(text)?.name : undefined);
}
