/**
 * Every error the SDK raises from a libseccomp or kernel return code is a SeccompError,
 * built in one place (`check`) so the text and fields are the same on every runtime.
 * Mistakes in arguments are TypeError/RangeError, thrown before any FFI call.
 */
import type { Condition } from './compare.js';
import { ERRNO, errnoName } from './errno.js';

/** What libseccomp's negative return codes mean for each operation (seccomp_*(3) "RETURN VALUE"). */
const HINTS: Record<string, string> = {
  EACCES: 'the caller may not do this; seccomp needs NO_NEW_PRIVS or CAP_SYS_ADMIN',
  ECANCELED: 'the kernel rejected the request',
  EDOM: 'the syscall or arch does not exist on this architecture, or the arches are incompatible',
  EEXIST: 'the rule or arch already exists in the filter (or conflicts with an existing rule)',
  EFAULT: 'an internal libseccomp failure (bad pointer)',
  EINVAL: 'invalid input (a syscall, action, attribute or argument libseccomp does not accept)',
  ENOMEM: 'out of memory',
  ENOSYS: 'not supported by this kernel',
  EOPNOTSUPP: 'not supported by this libseccomp or kernel',
  ESRCH: 'no such process or thread',
  ENOENT: 'not found',
  E2BIG: 'the generated BPF program is too large for the kernel (4096 instructions)',
  EBUSY: 'busy',
  EPERM: 'operation not permitted',
};

export class SeccompError extends Error {
  override readonly name: string = 'SeccompError';
  /** Positive errno number (22 for EINVAL). */
  readonly errno: number;
  /** Symbolic errno (`"EINVAL"`), or `"E<number>"` when it has no name. */
  readonly code: string;
  /** The operation that failed, e.g. `"seccomp_rule_add"`. */
  readonly op: string;

  constructor(op: string, errno: number, detail?: string) {
    const code = errnoName(errno) ?? `E${errno}`;
    const hint = detail ?? HINTS[code] ?? 'failed';
    super(`${op} failed: ${code} (${hint})`);
    this.errno = errno;
    this.code = code;
    this.op = op;
  }
}

/** A function or feature needs a newer libseccomp than the one loaded. */
export class SeccompVersionError extends SeccompError {
  override readonly name = 'SeccompVersionError';
  readonly required: string;
  constructor(op: string, required: string, found: string) {
    super(op, 95, `needs libseccomp >= ${required}, this process has ${found}`);
    this.required = required;
  }
}

/** libseccomp (or seccomp itself) cannot be used in this process. */
export class SeccompUnavailableError extends SeccompError {
  override readonly name = 'SeccompUnavailableError';
  constructor(op: string, detail: string) {
    super(op, 38, detail);
  }
}

/** A syscall name that no table knows; `suggestions` holds the closest known names. */
export class UnknownSyscallError extends RangeError {
  override readonly name = 'UnknownSyscallError';
  readonly syscall: string;
  readonly arch: string;
  readonly suggestions: readonly string[];
  constructor(syscall: string, arch: string, suggestions: readonly string[]) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
    super(`Unknown syscall "${syscall}" on ${arch}.${hint}`);
    this.syscall = syscall;
    this.arch = arch;
    this.suggestions = suggestions;
  }
}

/** A BPF program the kernel's seccomp checker would refuse (or the emulator cannot run). */
export class InvalidBpfError extends RangeError {
  override readonly name = 'InvalidBpfError';
  /** Index of the offending instruction, when there is one. */
  readonly pc: number | undefined;
  constructor(message: string, pc?: number) {
    super(pc === undefined ? message : `instruction ${pc}: ${message}`);
    this.pc = pc;
  }
}

/** A profile (ours or OCI JSON) with mistakes; `problems` lists each one with its path. */
export class ProfileError extends TypeError {
  override readonly name: string = 'ProfileError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`Invalid seccomp profile:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

/** Where a profile would send libseccomp 2.5 into an endless loop (see LibseccompLoopError). */
export interface LibseccompLoopDetail {
  readonly syscall: string | number;
  /** The 64-bit arch whose tree would loop (32-bit arches build it differently). */
  readonly arch: string;
  /** Indexes in `profile.rules`: the earlier rule, then the later one. */
  readonly rules: readonly [number, number];
  /** The later rule's ne/lt/le/gt/ge condition whose branch both rules share. */
  readonly shared: Condition;
  /** Each rule's next condition after the shared one, earlier rule first. */
  readonly conditions: readonly [Condition, Condition];
}

/**
 * A profile libseccomp 2.5 would never finish building (its rule tree gets a cycle), refused
 * before the first rule is added: once libseccomp loops inside FFI nothing can stop it.
 * Only the libseccomp path refuses it.
 */
export class LibseccompLoopError extends ProfileError {
  override readonly name: string = 'LibseccompLoopError';
  readonly code = 'LIBSECCOMP_MERGE_LOOP';
  readonly syscall: string | number;
  readonly arch: string;
  readonly rules: readonly [number, number];
  readonly shared: Condition;
  readonly conditions: readonly [Condition, Condition];
  constructor(d: LibseccompLoopDetail) {
    const [a, b] = d.rules;
    const name = typeof d.syscall === 'string' ? `"${d.syscall}"` : `syscall ${d.syscall}`;
    super([
      `${name} on ${d.arch}: rules[${a}] and rules[${b}] both branch on arg${d.shared.arg} ${d.shared.op}, and rules[${b}]'s next condition (arg${d.conditions[1].arg} ${d.conditions[1].op}) would be linked ahead of rules[${a}]'s (arg${d.conditions[0].arg} ${d.conditions[0].op}); ` +
        `libseccomp 2.5 builds a cyclic tree from that and never returns. Put rules[${b}] before rules[${a}], ` +
        `or make the shared condition an eq/maskedEq, or give the two rules different leading conditions`,
    ]);
    this.syscall = d.syscall;
    this.arch = d.arch;
    this.rules = d.rules;
    this.shared = d.shared;
    this.conditions = d.conditions;
  }
}

/**
 * The one funnel from a C return code to an exception: libseccomp returns -errno,
 * libc returns -1 and sets errno (pass it in `errno`). `hints` gives an operation's own
 * meaning of a code (seccomp_rule_add's EACCES means "same as the default action").
 * Returns rc when it is not an error.
 */
export function check(
  rc: number | bigint,
  op: string,
  opts: { errno?: number; hints?: Partial<Record<string, string>> } = {},
): number {
  const n = Number(rc);
  if (n >= 0) return n;
  const errno = n === -1 && opts.errno !== undefined && opts.errno > 0 ? opts.errno : -n;
  throw new SeccompError(op, errno, opts.hints?.[errnoName(errno) ?? '']);
}

/**
 * seccomp(2) with TSYNC named a thread it could not synchronise (one with a filter of its
 * own that this process's filter does not descend from): `tid` is that thread. Nothing was
 * installed on any thread.
 */
export class TsyncError extends SeccompError {
  override readonly name = 'TsyncError';
  readonly tid: number;
  constructor(op: string, tid: number) {
    super(op, ERRNO.ESRCH, `TSYNC failed: thread ${tid} has a different filter`);
    this.tid = tid;
  }
}

/**
 * A rule stricter than the default on a syscall the loaded libseccomp does not know, in a
 * profile of several arches: libseccomp cannot place it, and leaving it out would let the
 * syscall through (the libseccomp path only; the SDK's compiler knows every syscall).
 */
export class UnknownToLibraryError extends Error {
  override readonly name = 'UnknownToLibraryError';
  readonly syscall: string;
  /** Index in `profile.rules`. */
  readonly rule: number;
  readonly arches: readonly string[];
  // The SDK's decision before any call, so not a SeccompError: libseccomp returned no errno.
  constructor(syscall: string, rule: number, arches: readonly string[], detail: string) {
    super(detail);
    this.syscall = syscall;
    this.rule = rule;
    this.arches = Object.freeze([...arches]);
  }
}
