/**
 * lockdown(): lock a started process down so a compromised handler cannot run programs,
 * start processes, trace, mount, load kernel code or escape through io_uring, while it keeps
 * serving. docs/lockdown.md explains the layout, presets and guards.
 */
export { FIXED_DENY, ENOSYS_ALWAYS, READ_ONLY_DENY, READ_ONLY_FD_DENY, READ_ONLY_ENOSYS, OPEN_WRITE_FLAGS, CLONE } from './deny.js';
export { SOCKET_ALLOW, SOCKETPAIR_ALLOW, type SocketEntry } from './sockets.js';
export { SELF_RULES, type SelfRule } from './self.js';
export { FS_IOCTL_TYPES } from './ioctl.js';
export { PRESETS, PRESET_NAMES, presetSpecs, dockerDefaultSyscalls, isPresetName, type LockdownPresetName, type RuntimePresetName } from './presets.js';
export { MEASURED } from './measured.generated.js';
export { resolveOptions as resolveLockdownOptions, type LockdownOptions, type ResolvedLockdownOptions } from './options.js';
export { planLockdown, type LockdownPlan } from './plan.js';
export { encodeLockdownBpf, decodeLockdownBpf, type LockdownBpf, type LockdownBpfMeta } from './container.js';
export { LockdownRefusedError, LockdownVerificationError, type LockdownRefusal } from './errors.js';
export type { LockdownResult } from './run.js';
