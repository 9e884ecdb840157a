/**
 * @seccomp/deno — seccomp-BPF filters for Deno through libseccomp and Deno.dlopen.
 * One import gives the whole SDK: core's types and tools plus the bound API, with the same
 * export list as @seccomp/node and @seccomp/bun. Needs --allow-ffi and
 * --allow-env=SECCOMP_LIBRARY_PATH, nothing more (/proc is read through libc); importing it
 * touches no library and asks for no permission.
 */
import { createSeccomp, type Capabilities, type Seccomp } from '@seccomp/core';
import { denoBackend } from './backend.ts';

export * from '@seccomp/core';
export { denoBackend };

const seccomp: Seccomp = createSeccomp(denoBackend);

// One explicitly typed binding per function (not a destructuring): JSR's fast type
// extraction needs every exported value's type spelled out.
export const SyscallFilter: Seccomp['SyscallFilter'] = seccomp.SyscallFilter;
export type SyscallFilter = InstanceType<typeof SyscallFilter>;
export const libraryVersion: Seccomp['libraryVersion'] = seccomp.libraryVersion;
export const apiLevel: Seccomp['apiLevel'] = seccomp.apiLevel;
export const setApiLevel: Seccomp['setApiLevel'] = seccomp.setApiLevel;
export const syscallResolveName: Seccomp['syscallResolveName'] = seccomp.syscallResolveName;
export const syscallResolveNum: Seccomp['syscallResolveNum'] = seccomp.syscallResolveNum;
export const compile: Seccomp['compile'] = seccomp.compile;
export const loadProfile: Seccomp['loadProfile'] = seccomp.loadProfile;
export const loadBpf: Seccomp['loadBpf'] = seccomp.loadBpf;
export const strictMode: Seccomp['strictMode'] = seccomp.strictMode;
export const strictModeFilter: Seccomp['strictModeFilter'] = seccomp.strictModeFilter;
export const status: Seccomp['status'] = seccomp.status;
export const notifySupervisor: Seccomp['notifySupervisor'] = seccomp.notifySupervisor;
export const takeFd: Seccomp['takeFd'] = seccomp.takeFd;
export const rawSyscall: Seccomp['rawSyscall'] = seccomp.rawSyscall;
export const lockdown: Seccomp['lockdown'] = seccomp.lockdown;
export const compileLockdown: Seccomp['compileLockdown'] = seccomp.compileLockdown;
/** Which optional libseccomp functions are present; reading it loads the library. */
export const capabilities = (): Capabilities => seccomp.capabilities;
export { seccomp };
export default seccomp;
