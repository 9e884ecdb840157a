/**
 * @seccomp/bun — seccomp-BPF filters for Bun through libseccomp and bun:ffi.
 * One import gives the whole SDK: core's types and tools plus the bound API.
 */
import { createSeccomp, type Capabilities } from '@seccomp/core';
import { bunBackend } from './backend.js';

export * from '@seccomp/core';
export { bunBackend };

const seccomp = createSeccomp(bunBackend);

export const {
  SyscallFilter, libraryVersion, apiLevel, setApiLevel, syscallResolveName, syscallResolveNum,
  compile, loadProfile, loadBpf, strictMode, strictModeFilter, status, notifySupervisor, takeFd, rawSyscall,
  lockdown, compileLockdown,
} = seccomp;
export type SyscallFilter = InstanceType<typeof SyscallFilter>;
/** Which optional libseccomp functions are present; reading it loads the library. */
export const capabilities = (): Capabilities => seccomp.capabilities;
export { seccomp };
export default seccomp;
