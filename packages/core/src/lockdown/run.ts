/**
 * lockdown() and compileLockdown(): plan → (the SDK's compiler | libseccomp | a precompiled set) → guards →
 * seccomp(2) with TSYNC for each program → /proc says every thread is filtered.
 *
 * Both paths load through loadBpf (seccomp(2) directly), so what runs after the first
 * program is in place is the same small set of calls either way: the second seccomp(2)
 * and the /proc reads of the verification. The argument filter (default allow) goes first,
 * so the allowlist does not need to allow seccomp(2) itself.
 */
import { Action, formatAction, parseAction } from '../actions.js';
import { nativeArch, type ArchName } from '../arch.js';
import { SOCK_FILTER_SIZE } from '../abi.js';
import type { Compiler } from '../compiler.js';
import { formatVersion } from '../library.js';
import { loadBpf } from '../loadbpf.js';
import type { Native } from '../native.js';
import type { Profile } from '../profile/model.js';
import { readStatus } from '../status.js';
import { decodeLockdownBpf, encodeLockdownBpf, type LockdownBpf } from './container.js';
import { LockdownVerificationError } from './errors.js';
import { checkEnvironment, checkNoIoUring } from './guards.js';
import { assertBpfAlone, resolveOptions, type LockdownOptions, type ResolvedLockdownOptions } from './options.js';
import { planLockdown, type LockdownPlan } from './plan.js';
import { bindSelfPid } from './self.js';

/** Builds one profile into BPF with the chosen compiler (createSeccomp's compile). */
export type CompileProfile = (profile: Profile, via: Compiler) => Uint8Array;

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

/** The programs of a plan, built now, in load order. */
function compilePlan(native: Native, compile: CompileProfile, plan: LockdownPlan, options: ResolvedLockdownOptions): LockdownBpf {
  const programs = [plan.argumentFilter, plan.mainFilter].map((p) => compile(p, options.via));
  return {
    meta: {
      arch: plan.arch,
      preset: plan.preset,
      allowed: plan.allowed.length,
      conditional: plan.conditional.length,
      denied: plan.denied.length,
      enosys: plan.enosys.length,
      action: formatAction(options.action),
      dryRun: options.dryRun,
      readOnlyFs: options.readOnlyFs,
      logDenials: options.logDenials,
      compiler: options.via === 'libseccomp' ? `libseccomp ${formatVersion(native.version())}` : 'typescript',
    },
    programs,
  };
}

function resolveAndPlan(native: Native, options: LockdownOptions | undefined): { resolved: ResolvedLockdownOptions; plan: LockdownPlan } {
  const resolved = resolveOptions(options, native.backend.runtime);
  return { resolved, plan: planLockdown(resolved, nativeArch(native.host.machine())) };
}

/** compileLockdown(): the same filters lockdown() would build now, as bytes to load later. */
export function compileLockdown(native: Native, compile: CompileProfile, options?: LockdownOptions): Uint8Array {
  if (options?.bpf !== undefined) throw new TypeError('compileLockdown() makes the `bpf` that lockdown({ bpf }) loads; it does not take one.');
  const { resolved, plan } = resolveAndPlan(native, options);
  return encodeLockdownBpf(compilePlan(native, compile, plan, resolved));
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

function verify(native: Native, expectedFilters: number | undefined): number {
  const status = readStatus(native.host);
  const bad = status.threads.filter((t) => t.seccomp !== 2 || (expectedFilters !== undefined && t.filters !== undefined && t.filters < expectedFilters));
  if (bad.length || status.threads.length === 0) {
    const list = bad.map((t) => `${t.tid} (${t.name}): Seccomp ${t.seccomp}, ${t.filters ?? '?'} filters`).join('; ');
    throw new LockdownVerificationError(
      status.threads.length === 0 ? 'no threads listed in /proc/self/task' : `${bad.length} thread(s) not fully filtered — ${list}`,
      status.threads,
    );
  }
  return status.threads.length;
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
    const set = decodeFor(nativeArch(native.host.machine()), options.bpf!);
    actions = actionsOf(set.meta.dryRun, parseAction(set.meta.action));
    log = options.logDenials === true || set.meta.logDenials;
    build = () => set;
  } else {
    const { resolved, plan } = resolveAndPlan(native, options);
    actions = actionsOf(resolved.dryRun, resolved.action);
    log = resolved.logDenials;
    via = resolved.via;
    build = () => compilePlan(native, compile, plan, resolved);
  }

  const { filtersBefore } = checkEnvironment(native, actions);
  const set = build();
  // The self-only rules compare with a placeholder until now: this process's id.
  const pid = native.host.pid();
  const programs = set.programs.map((p) => bindSelfPid(p, pid));
  checkNoIoUring(native);
  for (const program of programs) loadBpf(native, program, { allThreads: true, noNewPrivs: false, log });
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
