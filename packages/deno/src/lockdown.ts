/**
 * @seccomp/deno/lockdown — the lean entry for a serverless cold start: lockdown(),
 * compileLockdown() and status() without the rest of the SDK (no OCI import, emulator,
 * disassembler or SyscallFilter API to parse). The same functions as the main entry's,
 * bound to the same backend; importing both loads each module once.
 */
import { createLockdown, type LockdownApi } from '@seccomp/core/lockdown';
import { denoBackend } from './backend.ts';

export {
  Action, decodeLockdownBpf, InvalidBpfError, LockdownRefusedError, LockdownVerificationError, SeccompError,
  SeccompUnavailableError, SeccompVersionError, TsyncError, UnknownSyscallError, UnknownSyscallGroupError,
  type Compiler, type LockdownBpf, type LockdownBpfMeta, type LockdownOptions, type LockdownPresetName,
  type LockdownRefusal, type LockdownResult, type ProcessStatus, type SeccompMode, type ThreadStatus,
} from '@seccomp/core/lockdown';

const api: LockdownApi = createLockdown(denoBackend);

export const lockdown: LockdownApi['lockdown'] = api.lockdown;
export const compileLockdown: LockdownApi['compileLockdown'] = api.compileLockdown;
export const status: LockdownApi['status'] = api.status;
