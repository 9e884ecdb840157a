/**
 * Which arches the loaded libseccomp can build a correct filter for on this host, as data and
 * one rule. The SDK's compiler writes a program for any arch in that arch's byte order on any
 * host; libseccomp cannot, so compile() and the CLI refuse these arches for `via: 'libseccomp'`
 * before any filter is made, and never hand such a profile to libseccomp themselves.
 *
 * Two facts, each from libseccomp's sources (v2.5.4, v2.6.0) and checked on x86_64 with 2.5.4:
 * - The library must know the arch. 2.6.0 added loongarch64, m68k, sh and sheb (src/arch.c);
 *   2.5 answers seccomp_arch_add() with EINVAL. Every other arch is in every release the SDK
 *   takes (2.5.0 and later).
 * - The arch must have the host's byte order. A filter holds one byte order (db.c: an arch of
 *   the other one is EDOM beside the native arch). Removing the native arch first gets past
 *   that, but the program comes out wrong: when a jump is too long for BPF's 8-bit offsets,
 *   gen_bpf.c inserts a nearer copy of the return and converts its already-converted action
 *   value a second time, so those returns are byte-swapped (Docker's default built for ppc64
 *   on x86_64: 81 syscalls it allows return 0x0000ff7f, which the kernel reads as KILL_THREAD).
 */
import { ARCHES, type ArchName } from './arch.js';
import { formatVersion, versionAtLeast, type LibraryVersion } from './library.js';

/** The libseccomp release that first knows an arch, where later than the SDK's minimum (2.5.0). */
export const LIBSECCOMP_ARCH_SINCE: Readonly<Partial<Record<ArchName, string>>> = Object.freeze({
  loongarch64: '2.6.0',
  m68k: '2.6.0',
  sh: '2.6.0',
  sheb: '2.6.0',
});

/**
 * Why libseccomp cannot build a filter for `arch` here:
 * - `otherByteOrder`: the arch's byte order is not the host's (libseccomp writes wrong programs);
 * - `archTooNew`: the loaded libseccomp predates the arch (`since` names the first release).
 */
export type LibseccompArchReason = 'otherByteOrder' | 'archTooNew';

export interface LibseccompArchErrorFields {
  readonly reason: LibseccompArchReason;
  readonly arch: ArchName;
  /** The arch this process runs as. */
  readonly hostArch: ArchName;
  /** The loaded libseccomp's version ("2.5.4"), for `archTooNew`. */
  readonly library?: string;
  /** For `archTooNew`: the first libseccomp release that knows the arch. */
  readonly since?: string;
}

/**
 * `via: 'libseccomp'` asked for an arch libseccomp cannot build on this host; the SDK's
 * compiler (the default) builds it. A RangeError: the arch is outside what that compiler takes.
 */
export class LibseccompArchError extends RangeError {
  override readonly name = 'LibseccompArchError';
  readonly reason: LibseccompArchReason;
  readonly arch: ArchName;
  readonly hostArch: ArchName;
  readonly library: string | undefined;
  readonly since: string | undefined;

  constructor(fields: LibseccompArchErrorFields, message: string) {
    super(message);
    this.reason = fields.reason;
    this.arch = fields.arch;
    this.hostArch = fields.hostArch;
    this.library = fields.library;
    this.since = fields.since;
  }
}

const BUILT_BY_SDK = "the SDK's compiler (the default) builds it";

/**
 * The first of `arches` libseccomp cannot build on `hostArch`, as the error to throw, or
 * undefined when it can build them all. An empty list means the host's arch alone. Without
 * `library` (not loaded) only the byte order is judged.
 */
export function libseccompArchRefusal(arches: readonly ArchName[], hostArch: ArchName, library?: LibraryVersion): LibseccompArchError | undefined {
  const hostEndian = ARCHES[hostArch].endian;
  for (const arch of arches) {
    const endian = ARCHES[arch].endian;
    if (endian !== hostEndian) {
      return new LibseccompArchError(
        { reason: 'otherByteOrder', arch, hostArch },
        `libseccomp cannot build a filter for ${arch} on this ${hostArch} host: ${arch} is ${endian}-endian, and libseccomp writes correct programs only in the host's byte order (${hostEndian}-endian); ${BUILT_BY_SDK}`,
      );
    }
    const since = LIBSECCOMP_ARCH_SINCE[arch];
    if (library && since && !versionAtLeast(library, since)) {
      const version = formatVersion(library);
      return new LibseccompArchError(
        { reason: 'archTooNew', arch, hostArch, library: version, since },
        `the loaded libseccomp ${version} does not know ${arch} (added in ${since}); ${BUILT_BY_SDK}`,
      );
    }
  }
  return undefined;
}
