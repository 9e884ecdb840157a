/**
 * @seccomp/core/lockdown — the lean entry: what lockdown() and compileLockdown() need and
 * nothing else (no OCI import, emulator, disassembler or notify supervisor), so a serverless
 * handler's cold start parses a fraction of the SDK. The runtime packages build their
 * `/lockdown` entries on it, and their backends take their plumbing from it, so both entries
 * share one copy of every module (and error class) when both are imported.
 */
export { createLockdown, type LockdownApi } from './api.js';
export type { LockdownOptions } from './options.js';
export type { LockdownResult } from './run.js';
export { LockdownRefusedError, LockdownVerificationError, type LockdownRefusal } from './errors.js';
export { decodeLockdownBpf, type LockdownBpf, type LockdownBpfMeta } from './container.js';
export type { LockdownPresetName } from './presets.js';
export type { Compiler } from '../compiler.js';
export { Action } from '../actions.js';
export {
  SeccompError, SeccompUnavailableError, SeccompVersionError, InvalidBpfError, UnknownSyscallError, TsyncError,
} from '../errors.js';
export { UnknownSyscallGroupError } from '../groups/index.js';
export type { ProcessStatus, ThreadStatus, SeccompMode } from '../status.js';

// Plumbing for the runtime packages' backends (not for applications).
export { nodeStyleHost, type HostOps, type NativeLibrary, type NodeStyleApis, type RuntimeName, type SeccompBackend } from '../backend.js';
export {
  assembleLibrary, bindOnce, LIBC, lazySymbols, libraryCandidates, libraryLoadError, openLibseccomp, type MemoryOps, type OpenedLibc, type SymbolBinder,
} from '../library.js';
export { cSymbol, SYMBOLS, SYMBOL_NAMES, type BoundSymbols, type ParamKind, type ResultKind, type SymbolName } from '../symbols.js';
export { libcFileOps } from '../libcfiles.js';
