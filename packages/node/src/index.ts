/**
 * @seccomp/node — seccomp-BPF filters for Node.js through libseccomp and koffi.
 * One import gives the whole SDK: core's types and tools plus the bound API.
 */
import { createSeccomp, type Capabilities } from '@seccomp/core';
import { nodeBackend } from './backend.js';

export * from '@seccomp/core';
export { nodeBackend };

const seccomp = createSeccomp(nodeBackend);

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
