/**
 * createSeccomp(backend): the whole public API bound to one runtime's FFI. Each runtime
 * package calls it once and re-exports the result, so the API is identical everywhere.
 */
import { Action, type Action as ActionT } from './actions.js';
import type { SeccompBackend } from './backend.js';
import { ProfileError } from './errors.js';
import { SyscallFilter as BaseFilter, type FilterOptions } from './filter.js';
import { formatVersion, type Capabilities, type LibraryVersion } from './library.js';
import { LIBSECCOMP_ARCH_SINCE, libseccompArchRefusal } from './libseccomp-arches.js';
import { loadBpf, strictMode, type LoadBpfOptions } from './loadbpf.js';
import { Native } from './native.js';
import { NotifySupervisor, takeFd } from './notify.js';
import { rawSyscall, type SyscallArg, type SyscallResult } from './rawsyscall.js';
import { findRuleConflicts, validateProfile, type Profile } from './profile/index.js';
import { buildFilter } from './build.js';
import { compileProgram, compilerOf, libseccompMayBuild, type CompiledProgram, type CompileWarning, type Compiler } from './compiler.js';
import { readStatus, type ProcessStatus } from './status.js';
import { archInfo, nativeArch, type ArchName } from './arch.js';
import { syscallNames } from './syscalls/index.js';
import { compileLockdown, lockdown, type LockdownResult } from './lockdown/run.js';
import { lockdownLibseccompBuild } from './lockdown/api.js';
import type { LockdownOptions } from './lockdown/options.js';

export interface CompileOptions {
  /**
   * Which compiler builds the BPF: "typescript" (the SDK's own, the default: no libseccomp
   * needed) or "libseccomp" (over FFI). Without it, a profile the SDK's compiler refuses for
   * a reason libseccomp would not (overlapping rules it cannot prove libseccomp-equal) is
   * built by libseccomp, and onWarning says so.
   */
  via?: Compiler;
  /**
   * Told, as fields, about each rule left out (`leftOut`: with via libseccomp, on a multi-arch
   * filter a syscall the loaded libseccomp does not know is skipped when its rule is more
   * permissive than the default; fail closed) and about a profile libseccomp built instead
   * (`builtByLibseccomp`). `message` says the same in words.
   */
  onWarning?: (warning: CompileWarning) => void;
}

export interface Seccomp {
  /** libseccomp's filter context. `new SyscallFilter(Action.errno("EPERM"))`. */
  readonly SyscallFilter: new (defaultAction: ActionT, options?: FilterOptions) => BaseFilter;
  /** The loaded libseccomp's version. */
  libraryVersion(): LibraryVersion & { text: string };
  /** seccomp_api_get: the kernel features libseccomp found (1–7). */
  apiLevel(): number;
  /** seccomp_api_set: pretend the kernel offers fewer features (tests). */
  setApiLevel(level: number): void;
  /** Which optional libseccomp functions are present (loads the library). */
  capabilities(): Capabilities;
  /** libseccomp's own resolution: `syscallResolveName("openat")` → native number (pseudo numbers too). */
  syscallResolveName(name: string, arch?: ArchName): number;
  /** libseccomp's own reverse lookup, or undefined. */
  syscallResolveNum(nr: number, arch?: ArchName): string | undefined;
  /** Profile → BPF (the SDK's compiler by default, or `via: 'libseccomp'`). Refuses conflicting rules. */
  compile(profile: Profile, options?: CompileOptions): Uint8Array;
  /** Builds the profile (as compile) and loads it (TSYNC by default). */
  loadProfile(profile: Profile, options?: CompileOptions): void;
  /** Installs a ready BPF program with seccomp(2); libseccomp is not needed. */
  loadBpf(bpf: Uint8Array, options?: LoadBpfOptions): void;
  /** prctl SECCOMP_MODE_STRICT on the calling thread (see the docs: kills one thread only). */
  strictMode(): void;
  /** The process-wide equivalent of strict mode as a filter profile. */
  strictModeFilter(): Profile;
  /** Per-thread seccomp state from /proc/<pid>/task/<tid>/status. */
  status(pid?: number): ProcessStatus;
  /** A supervisor for a user-notification fd (Action.notify). */
  notifySupervisor(fd: number): NotifySupervisor;
  /** Copies another process's fd into this one (pidfd_getfd), e.g. its notify fd. */
  takeFd(pid: number, fd: number): number;
  /** One syscall, made directly: `rawSyscall("getppid")` → { ret, errno }. */
  rawSyscall(syscall: string | number, ...args: SyscallArg[]): SyscallResult;
  /**
   * Locks this process down after start-up: the runtime's preset allowed, the fixed deny
   * list denied (EPERM), other ABIs killed, every thread verified (docs/lockdown.md).
   */
  lockdown(options?: LockdownOptions): LockdownResult;
  /** What lockdown(options) would install, as bytes for lockdown({ bpf }) (the cold-start path). */
  compileLockdown(options?: LockdownOptions): Uint8Array;
}

/** Each bound API's native wrapper, for the CLI, tests and benchmarks (internal: nativeOf). */
const natives = new WeakMap<object, Native>();

/**
 * The Native behind a bound API made by createSeccomp (internal). Takes any object: a runtime
 * package's `seccomp` is typed by the public declarations, this entry by its own.
 */
export function nativeOf(seccomp: object): Native {
  const native = natives.get(seccomp);
  if (!native) throw new TypeError('nativeOf() takes the object createSeccomp() returned.');
  return native;
}

/** Refuses a profile libseccomp would silently collapse (it keeps the first rule). */
export function assertNoConflicts(profile: Profile): void {
  const conflicts = findRuleConflicts(profile);
  if (conflicts.length) throw new ProfileError(conflicts.map((c) => c.message));
}

/** The strict-mode set, on every thread, as a filter; anything else kills the process. */
export function strictModeProfile(arch: ArchName = nativeArch()): Profile {
  const known = new Set<string>(syscallNames(arch));
  const names = ['read', 'write', 'exit', 'exit_group', 'rt_sigreturn', 'sigreturn'].filter((n) => known.has(n));
  return validateProfile({ defaultAction: Action.killProcess, arches: [arch], rules: [{ syscalls: names, action: Action.allow }] });
}

/**
 * What compile() and loadProfile() do before building: the profile checked, and the SDK's
 * compiler's program — or none when libseccomp builds it (`via: 'libseccomp'`, or, with no
 * `via`, a refusal libseccomp would not make; onWarning then gets `builtByLibseccomp`).
 * libseccomp is never handed arches it cannot build on this host (libseccomp-arches.ts): with
 * `via: 'libseccomp'` that is a LibseccompArchError before any filter is made, and with no
 * `via` the compiler's refusal stands. `libseccomp` is the loaded library's version, or
 * undefined when it cannot be loaded.
 * Internal: the CLI's compile/explain/disasm make the same decision through it.
 */
export function planBuild(
  profile: Profile,
  options: CompileOptions,
  nativeArchName: ArchName,
  libseccomp: () => LibraryVersion | undefined,
): { valid: Profile; program?: CompiledProgram } {
  const via = compilerOf(options.via, 'compile()');
  const valid = validateProfile(profile);
  assertNoConflicts(valid);
  const arches = valid.arches ?? [];
  if (via === 'libseccomp') {
    const refusal = libseccompArchRefusal(arches, nativeArchName, versionFor(arches, libseccomp));
    if (refusal) throw refusal;
    return { valid };
  }
  try {
    return { valid, program: compileProgram(valid, { nativeArch: nativeArchName }) };
  } catch (err) {
    if (options.via !== undefined || !libseccompMayBuild(err)) throw err;
    // libseccomp must be there to take over, and able to build these arches here; if not,
    // the compiler's reason is the answer.
    const version = libseccomp();
    if (!version || libseccompArchRefusal(arches, nativeArchName, version)) throw err;
    options.onWarning?.({ code: 'builtByLibseccomp', refusal: err, message: `${err.message}: built by libseccomp instead (choose it with via: 'libseccomp')` });
    return { valid };
  }
}

/** The library's version when one of `arches` needs a minimum release, else undefined (nothing loaded). */
function versionFor(arches: readonly ArchName[], libseccomp: () => LibraryVersion | undefined): LibraryVersion | undefined {
  return arches.some((a) => LIBSECCOMP_ARCH_SINCE[a] !== undefined) ? libseccomp() : undefined;
}

export function createSeccomp(backend: SeccompBackend): Seccomp {
  const native = new Native(backend);
  const lockdownLibseccomp = lockdownLibseccompBuild(native);
  class SyscallFilter extends BaseFilter {
    constructor(defaultAction: ActionT, options?: FilterOptions) {
      super(native, defaultAction, options);
    }
  }
  const token = (arch?: ArchName) => (arch === undefined ? 0 : archInfo(arch).token);
  const host = () => nativeArch(backend.host.machine?.());
  const libseccompFilter = (valid: Profile, options: CompileOptions) =>
    buildFilter((def, opts) => new SyscallFilter(def, opts), valid, {
      nativeArch: host(),
      libraryKnows: (name) => native.libraryKnows(name),
      onWarning: options.onWarning,
    });
  const plan = (profile: Profile, options: CompileOptions = {}) => planBuild(profile, options, host(), () => (native.available() ? native.version() : undefined));
  function compile(profile: Profile, options?: CompileOptions): Uint8Array {
    const { valid, program } = plan(profile, options);
    if (program) return program.bytes;
    using filter = libseccompFilter(valid, options ?? {});
    return filter.exportBpf();
  }
  function loadProfile(profile: Profile, options?: CompileOptions): void {
    const { valid, program } = plan(profile, options);
    if (!program) {
      using filter = libseccompFilter(valid, options ?? {});
      filter.load();
      return;
    }
    const a = valid.attributes ?? {};
    loadBpf(native, program.bytes, { allThreads: a.tsync ?? true, log: a.log === true, specAllow: a.specAllow === true, noNewPrivs: a.noNewPrivs ?? true });
  }
  const seccomp: Seccomp = {
    SyscallFilter,
    libraryVersion: () => {
      const v = native.version();
      return { ...v, text: formatVersion(v) };
    },
    apiLevel: () => native.apiLevel(),
    setApiLevel: (level) => native.setApiLevel(level),
    capabilities: () => native.capabilities(),
    syscallResolveName: (name, arch) => {
      if (typeof name !== 'string' || name === '') throw new TypeError('syscallResolveName() takes a syscall name such as "openat".');
      return native.resolveName(name, token(arch));
    },
    syscallResolveNum: (nr, arch) => {
      if (!Number.isInteger(nr) || nr < -2147483648 || nr > 2147483647) throw new RangeError(`A syscall number is a 32-bit integer, got ${nr}.`);
      return native.resolveNum(nr, token(arch));
    },
    compile,
    loadProfile,
    loadBpf: (bpf, options) => loadBpf(native, bpf, options),
    strictMode: () => strictMode(native),
    strictModeFilter: () => strictModeProfile(nativeArch(backend.host.machine?.())),
    status: (pid) => readStatus(backend.host, pid),
    notifySupervisor: (fd) => new NotifySupervisor(native, fd),
    takeFd: (pid, fd) => takeFd(native, pid, fd),
    rawSyscall: (syscall, ...args) => rawSyscall(native, syscall, args),
    lockdown: (options) => lockdown(native, lockdownLibseccomp, options),
    compileLockdown: (options) => compileLockdown(native, lockdownLibseccomp, options),
  };
  natives.set(seccomp, native);
  return Object.freeze(seccomp);
}
