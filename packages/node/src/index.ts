/**
 * @seccomp/node — seccomp-BPF filters for Node.js through libseccomp and koffi.
 * One import gives the whole SDK: @seccomp/core's pure tools plus the API bound to
 * libseccomp and the kernel, with the same export list as @seccomp/bun and @seccomp/deno.
 */
import type { Seccomp } from '@seccomp/core';
import { createSeccomp } from '@seccomp/core/internal';
import { nodeBackend as backend } from './backend.js';

export * from '@seccomp/core';

// Typed by the public declarations: @seccomp/core/internal declares the same classes in a
// file of its own, and a user's annotations name the public ones.
const seccomp = createSeccomp(backend) as unknown as Seccomp;

// The bound API: one explicitly typed binding per function, the same list in @seccomp/node,
// @seccomp/bun and @seccomp/deno (a test compares them). Explicit types also serve JSR's
// fast type extraction.
export const SyscallFilter: Seccomp['SyscallFilter'] = seccomp.SyscallFilter;
export type SyscallFilter = InstanceType<typeof SyscallFilter>;
export const libraryVersion: Seccomp['libraryVersion'] = seccomp.libraryVersion;
export const apiLevel: Seccomp['apiLevel'] = seccomp.apiLevel;
export const setApiLevel: Seccomp['setApiLevel'] = seccomp.setApiLevel;
export const capabilities: Seccomp['capabilities'] = seccomp.capabilities;
export const syscallResolveName: Seccomp['syscallResolveName'] = seccomp.syscallResolveName;
export const syscallResolveNum: Seccomp['syscallResolveNum'] = seccomp.syscallResolveNum;
export const compile: Seccomp['compile'] = seccomp.compile;
export const loadProfile: Seccomp['loadProfile'] = seccomp.loadProfile;
export const loadBpf: Seccomp['loadBpf'] = seccomp.loadBpf;
export const strictMode: Seccomp['strictMode'] = seccomp.strictMode;
export const strictModeFilter: Seccomp['strictModeFilter'] = seccomp.strictModeFilter;
export const status: Seccomp['status'] = seccomp.status;
export const notifySupervisor: Seccomp['notifySupervisor'] = seccomp.notifySupervisor;
export type NotifySupervisor = ReturnType<Seccomp['notifySupervisor']>;
export const takeFd: Seccomp['takeFd'] = seccomp.takeFd;
export const rawSyscall: Seccomp['rawSyscall'] = seccomp.rawSyscall;
export const lockdown: Seccomp['lockdown'] = seccomp.lockdown;
export const compileLockdown: Seccomp['compileLockdown'] = seccomp.compileLockdown;
/** All of the bound API as one object (also the default export). */
export { seccomp };
export default seccomp;
