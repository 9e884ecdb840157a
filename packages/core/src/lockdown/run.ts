/**
 * lockdown() and compileLockdown(): options → programs (precompiled for the common options,
 * else planned and built now by the SDK's compiler or libseccomp, or a compileLockdown() set)
 * → guards → seccomp(2) with TSYNC for each program → /proc says every thread is filtered.
 *
 * Every path loads through installBpf (seccomp(2) directly), so what runs after the first
 * program is in place is the same small set of calls either way: the second seccomp(2)
 * and the /proc reads of the verification. The argument filter (default allow) goes first,
 * so the allowlist does not need to allow seccomp(2) itself.
 *
 * This is the cold-start path, so it does each thing once: the programs are copied once (when
 * the pid is bound in), checked for shape only (the kernel checks every instruction anyway),
 * and /proc is read once before loading (io_uring) and once after (threads).
 */
import { Action, formatAction, parseAction } from '../actions.js';
import { nativeArch, type ArchName } from '../arch.js';
import { SOCK_FILTER_SIZE } from '../abi.js';
import { compileProgram, type Compiler } from '../compiler.js';
import { formatVersion } from '../library.js';
import { installBpf } from '../installbpf.js';
import type { Native } from '../native.js';
import type { Profile } from '../profile/model.js';
import { readThreads } from '../status.js';
import { decodeLockdownBpf, encodeLockdownBpf, type LockdownBpf, type LockdownBpfMeta } from './container.js';
import { LockdownVerificationError } from './errors.js';
import { checkEnvironment, checkNoIoUring } from './guards.js';
import { assertBpfAlone, resolveOptions, type LockdownOptions, type ResolvedLockdownOptions } from './options.js';
import { planLockdown, type LockdownPlan } from './plan.js';
import { precompiledEntry, precompiledProgram, seccompNumber } from './precompiled.js';
import { bindSelfPidInPlace } from './self.js';

/**
 * Builds one of lockdown's profiles into BPF with libseccomp (for `via: 'libseccomp'`; see
 * lockdownLibseccompBuild). The SDK's compiler is called directly. Either way compile()'s
 * checks are skipped: the plan's profiles are valid and free of conflicts by construction.
 */
export type CompileProfile = (profile: Profile) => Uint8Array;

export interface LockdownResult {
  /** Where the programs came from: built now by the SDK's compiler or libseccomp, or precompiled (`bpf`). */
  via: Compiler | 'bpf';
  preset: string;
  syscalls: {
    /** Allowed outright. */
    allowed: number;
    /** Allowed in listed forms only (clone, the socket calls, the calls on the process itself; open, openat and ioctl with readOnlyFs). */
    conditional: number;
    /** Given the denial action. */
    denied: number;
    /** Given ENOSYS on purpose (clone3; openat2 with readOnlyFs). Unknown numbers get it too. */
    enosys: number;
  };
  /** The denial action, as text: "errno(EPERM)", "killProcess", "log". */
  action: string;
  dryRun: boolean;
  readOnlyFs: boolean;
  /** Refusals are logged by the kernel (SECCOMP_FILTER_FLAG_LOG). */
  logDenials: boolean;
  /** Filters installed (2: the argument filter, then the main allowlist). */
  filters: number;
  bpfBytes: number;
  instructions: number;
  /** Threads verified in filter mode. */
  threads: number;
  /** From the call to the verified state, in milliseconds. */
  ms: number;
}

const clock = (globalThis as { performance?: { now(): number } }).performance;
const now = (): number => (clock ? clock.now() : Date.now());

function metaOf(arch: ArchName, preset: string, counts: readonly number[], options: ResolvedLockdownOptions, compiler: string): LockdownBpfMeta {
  const [allowed = 0, conditional = 0, denied = 0, enosys = 0] = counts;
  return {
    arch, preset, allowed, conditional, denied, enosys,
    action: formatAction(options.action),
    dryRun: options.dryRun,
    readOnlyFs: options.readOnlyFs,
    logDenials: options.logDenials,
    compiler,
  };
}

/** The programs of a plan, built now, in load order. */
function compilePlan(native: Native, compile: CompileProfile, plan: LockdownPlan, options: ResolvedLockdownOptions): LockdownBpf {
  const build = (p: Profile) => (options.via === 'typescript' ? compileProgram(p, { nativeArch: plan.arch }).bytes : compile(p));
  const programs = [build(plan.argumentFilter), build(plan.mainFilter)];
  const counts = [plan.allowed.length, plan.conditional.length, plan.denied.length, plan.enosys.length];
  const compiler = options.via === 'libseccomp' ? `libseccomp ${formatVersion(native.version())}` : 'typescript';
  return { meta: metaOf(plan.arch, plan.preset, counts, options, compiler), programs };
}

/**
 * The set for `options` on this machine: from the precompiled table when it has one (the same
 * bytes the compiler would make now), else planned and built. `build` runs late, after the
 * guards, so a refusal costs no compiling.
 */
function programsFor(native: Native, compile: CompileProfile, options: LockdownOptions | undefined): { resolved: ResolvedLockdownOptions; build: () => LockdownBpf } {
  const resolved = resolveOptions(options, native.backend.runtime);
  const arch = nativeArch(native.host.machine?.());
  const entry = precompiledEntry(resolved, arch);
  if (entry) {
    const counts = [entry.allowed, entry.conditional, entry.denied, entry.enosys];
    const meta = metaOf(arch, resolved.preset as string, counts, resolved, 'typescript');
    return { resolved, build: () => ({ meta, programs: entry.programs.map(precompiledProgram) }) };
  }
  // Planning checks the names in allow and deny, so it runs now: a mistake is thrown before any FFI call.
  const plan = planLockdown(resolved, arch);
  return { resolved, build: () => compilePlan(native, compile, plan, resolved) };
}

/** compileLockdown(): the same filters lockdown() would build now, as bytes to load later. */
export function compileLockdown(native: Native, compile: CompileProfile, options?: LockdownOptions): Uint8Array {
  if (options?.bpf !== undefined) throw new TypeError('compileLockdown() makes the `bpf` that lockdown({ bpf }) loads; it does not take one.');
  return encodeLockdownBpf(programsFor(native, compile, options).build());
}

function decodeFor(arch: ArchName, bytes: Uint8Array): LockdownBpf {
  const set = decodeLockdownBpf(bytes);
  if (set.meta.arch !== arch) throw new RangeError(`This lockdown program was compiled for ${set.meta.arch}; this process runs on ${arch}.`);
  return set;
}

/** The actions the programs return, so the guards can ask the kernel for each. */
function actionsOf(dryRun: boolean, denial: Action): Action[] {
  return dryRun ? [Action.log] : [Action.errno('ENOSYS'), Action.killProcess, denial];
}

/** Every thread of the process, from /proc, in filter mode with every filter loaded. */
function verify(native: Native, expectedFilters: number | undefined): number {
  const threads = readThreads(native.host);
  const bad = threads.filter((t) => t.seccomp !== 2 || (expectedFilters !== undefined && t.filters !== undefined && t.filters < expectedFilters));
  if (bad.length || threads.length === 0) {
    const list = bad.map((t) => `${t.tid} (${t.name}): Seccomp ${t.seccomp}, ${t.filters ?? '?'} filters`).join('; ');
    throw new LockdownVerificationError(
      threads.length === 0 ? 'no threads listed in /proc/self/task' : `${bad.length} thread(s) not fully filtered — ${list}`,
      threads,
    );
  }
  return threads.length;
}

export function lockdown(native: Native, compile: CompileProfile, options?: LockdownOptions): LockdownResult {
  const start = now();
  // Every argument mistake is thrown here, before any FFI call.
  let actions: Action[];
  let build: () => LockdownBpf;
  let log: boolean;
  let via: Compiler | 'bpf' = 'bpf';
  const precompiled = options?.bpf !== undefined;
  if (precompiled) {
    assertBpfAlone(options);
    const set = decodeFor(nativeArch(native.host.machine?.()), options.bpf!);
    actions = actionsOf(set.meta.dryRun, parseAction(set.meta.action));
    log = options.logDenials === true || set.meta.logDenials;
    build = () => set;
  } else {
    const { resolved, build: built } = programsFor(native, compile, options);
    actions = actionsOf(resolved.dryRun, resolved.action);
    log = resolved.logDenials;
    via = resolved.via;
    build = built;
  }

  const nr = seccompNumber(nativeArch(native.host.machine?.()));
  const { filtersBefore } = checkEnvironment(native, actions, nr);
  const set = build();
  // The self-only rules compare with a placeholder until now: this process's id.
  const pid = native.host.pid();
  // Bound in place: every set's programs are fresh arrays of its own (compiled now, decoded
  // from the table, or sliced out of the caller's bytes by decodeLockdownBpf).
  const programs = set.programs.map((p) => bindSelfPidInPlace(p, pid));
  checkNoIoUring(native);
  for (const program of programs) installBpf(native, program, { allThreads: true, log }, nr);
  const threads = verify(native, filtersBefore === undefined ? undefined : filtersBefore + set.programs.length);

  const bytes = set.programs.reduce((s, p) => s + p.length, 0);
  const { meta } = set;
  return {
    via,
    preset: meta.preset,
    syscalls: { allowed: meta.allowed, conditional: meta.conditional, denied: meta.denied, enosys: meta.enosys },
    action: meta.action,
    dryRun: meta.dryRun,
    readOnlyFs: meta.readOnlyFs,
    logDenials: log,
    filters: set.programs.length,
    bpfBytes: bytes,
    instructions: bytes / SOCK_FILTER_SIZE,
    threads,
    ms: now() - start,
  };
}
