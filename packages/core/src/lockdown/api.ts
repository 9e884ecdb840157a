/**
 * createLockdown(backend): lockdown(), compileLockdown() and status() bound to one runtime's
 * FFI, without the rest of the SDK. It is what the runtime packages' lean entry
 * (`@seccomp/node/lockdown`, …) exports; createSeccomp() binds the same functions, with the
 * same libseccomp builder, into the whole API.
 */
import { nativeArch } from '../arch.js';
import type { SeccompBackend } from '../backend.js';
import { buildFilter } from '../build.js';
import { SyscallFilter } from '../filter.js';
import { Native } from '../native.js';
import type { Profile } from '../profile/model.js';
import { readStatus, type ProcessStatus } from '../status.js';
import type { LockdownOptions } from './options.js';
import { compileLockdown, lockdown, type CompileProfile, type LockdownResult } from './run.js';

export interface LockdownApi {
  /**
   * Locks this process down after start-up: the runtime's preset allowed, the fixed deny
   * list denied (EPERM), other ABIs killed, every thread verified (docs/lockdown.md).
   */
  lockdown(options?: LockdownOptions): LockdownResult;
  /** What lockdown(options) would install, as bytes for lockdown({ bpf }) (the cold-start path). */
  compileLockdown(options?: LockdownOptions): Uint8Array;
  /** Per-thread seccomp state from /proc/<pid>/task/<tid>/status. */
  status(pid?: number): ProcessStatus;
  /** @internal the shared native wrapper (tests). */
  readonly native: Native;
}

/** lockdown's builder for `via: 'libseccomp'`, shared by both entries so they make the same bytes. */
export function lockdownLibseccompBuild(native: Native): CompileProfile {
  return (profile: Profile): Uint8Array => {
    using filter = buildFilter((def, opts) => new SyscallFilter(native, def, opts), profile, {
      nativeArch: nativeArch(native.host.machine?.()),
      libraryKnows: (name) => native.libraryKnows(name),
    });
    return filter.exportBpf();
  };
}

export function createLockdown(backend: SeccompBackend): LockdownApi {
  const native = new Native(backend);
  const viaLibseccomp = lockdownLibseccompBuild(native);
  return {
    lockdown: (options) => lockdown(native, viaLibseccomp, options),
    compileLockdown: (options) => compileLockdown(native, viaLibseccomp, options),
    status: (pid) => readStatus(backend.host, pid),
    native,
  };
}
