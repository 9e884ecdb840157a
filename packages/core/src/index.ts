/**
 * @seccomp/core — the SDK's pure tools, the same on every runtime: actions, conditions,
 * arches, syscall tables, groups, profiles (SDK and OCI), the compiler, BPF tools, errors.
 * Nothing here loads a filter: the runtime packages (@seccomp/node, @seccomp/bun,
 * @seccomp/deno) export all of this plus the API bound to libseccomp and the kernel.
 * An explicit list (docs/api.md): what is not here is internal (`@seccomp/core/internal`).
 */

// Actions
export { Action, RET, isAction, actionsEqual, formatAction, parseAction, encodeAction, decodeAction } from './actions.js';
export type { ActionKind } from './actions.js';

// Argument conditions
export { arg, arg32, conditionHolds, formatCondition } from './compare.js';
export type { ArgBuilder, ArgIndex, CompareOp, Condition, Numeric, Width } from './compare.js';

// Architectures
export { ARCH_NAMES, ARCHES, isArchName, archInfo, findArch, archesByAudit, nativeArch } from './arch.js';
export type { ArchInfo, ArchName, Endian } from './arch.js';

// Syscall tables
export {
  resolveSyscall, syscallName, syscallNames, isSyscallName, suggestSyscalls, syscallKernelVersion, SYSCALL_TABLE_KERNEL,
  X32_SYSCALL_BIT, SOCKETCALL_CALLS, IPC_CALLS, isMultiplexedName,
} from './syscalls/index.js';
export type { IpcName, SocketcallName, SyscallName } from './syscalls/index.js';

// Errno names
export { ERRNO, errnoName, errnoNumber, isErrnoName } from './errno.js';
export type { ErrnoName } from './errno.js';

// Syscall groups
export {
  listGroups, expandGroup, isSyscallGroupName, expandSyscallSpecs, UnknownSyscallGroupError, SyscallGroupCycleError,
} from './groups/index.js';
export type { GroupInfo } from './groups/index.js';

// Profiles: the SDK's format, JSON, OCI (Docker, Podman, Kubernetes)
export {
  defineProfile, validateProfile, findRuleConflicts, profileToJSON, profileFromJSON,
  fromOci, toOci, resolveOci, OCI_OPERATORS, OCI_FLAGS, DOCKER_DEFAULT_PROFILE,
} from './profile/index.js';
export type {
  Profile, Rule, ProfileAttributes, Conflict, ConflictRule, ProfileJSON, RuleJSON, ConditionJSON, ProfileAttributesJSON,
  OciProfile, OciSyscall, OciArg, OciFilter, OciArchMapEntry, OciOperator, OciFlag, OciValue, ResolveOciOptions, ResolvedOci,
} from './profile/index.js';
export { OCI_ACTIONS, fromOciAction, toOciAction } from './actions.js';
export type { OciActionName } from './actions.js';
export { assertNoConflicts, strictModeProfile } from './api.js';
export type { CompileOptions, Seccomp } from './api.js';

// The SDK's compiler
export { compileProgram, CompileError } from './compiler.js';
export type { Compiler, CompileWarning, CompileProgramOptions, CompiledProgram, CompileErrorFields, CompileErrorReason, RetSource } from './compiler.js';

// BPF tools
export {
  validate, SECCOMP_OPCODES, emulate, disassemble, disassembleLines, kernelAction, isKnownActionValue, prepare, runPrepared, PreparedBpf,
} from './bpf/index.js';
export type { EmulateInput, EmulateResult, DisassembleOptions, DisassembledLine } from './bpf/index.js';
export { decodeBpf, encodeBpf } from './abi.js';
export type { SockFilter } from './abi.js';

// What the bound API takes and returns
export { ATTRIBUTES } from './filter.js';
export type { AttributeName, AttributeValues, FilterOptions } from './filter.js';
export type { Notification, NotificationResponse } from './notify.js';
export type { LoadBpfOptions } from './loadbpf.js';
export type { SyscallArg, SyscallResult } from './rawsyscall.js';
export type { ProcessStatus, ThreadStatus, SeccompMode } from './status.js';
export type { Capabilities, LibraryVersion } from './library.js';

// Lockdown
export { PRESET_NAMES, isPresetName, encodeLockdownBpf, decodeLockdownBpf } from './lockdown/index.js';
export type {
  LockdownOptions, LockdownResult, LockdownPresetName, RuntimePresetName, LockdownBpf, LockdownBpfMeta, LockdownRefusal,
} from './lockdown/index.js';

// Errors
export {
  SeccompError, SeccompVersionError, SeccompUnavailableError, UnknownSyscallError, InvalidBpfError, ProfileError,
  LibseccompLoopError, UnknownToLibraryError, TsyncError,
} from './errors.js';
export type { LibseccompLoopDetail } from './errors.js';
export { LockdownRefusedError, LockdownVerificationError } from './lockdown/index.js';
export { HostFileError } from './native.js';
// added by profile import (issue 17): runc's ENOSYS stub, resolveOci's warnings as fields, the errno limit
export { withEnosysStub, MAX_ERRNO } from './profile/index.js';
export type { EnosysAbove, OciWarning, OciWarningCode } from './profile/index.js';
// added by profile formats (issue 17): typed errors at the edge of the pure tools
export { InputRangeError, InputTypeError } from './input.js';
// added by profile formats (issue 17): other engines' formats, merging recordings
export { fromSeccompiler, mergeProfiles, seccompilerToJSON, SPO_API_VERSIONS, SYSTEMD_SAME_GROUPS, toSeccompiler, toSpo, toSpoResource, toSystemd } from './formats/index.js';
export type { FromSeccompilerOptions, SeccompilerJson, SpoApiVersion, ToSeccompilerOptions, ToSpoOptions, ToSystemdOptions } from './formats/index.js';
// added by foreign arches (issue 17): what via: 'libseccomp' refuses to build on this host
export { LibseccompArchError } from './libseccomp-arches.js';
export type { LibseccompArchErrorFields, LibseccompArchReason } from './libseccomp-arches.js';
