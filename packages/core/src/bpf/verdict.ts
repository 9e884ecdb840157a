/**
 * What the kernel makes of the u32 a filter returns (kernel/seccomp.c): the top 16 bits
 * (SECCOMP_RET_ACTION_FULL) pick the action, the low 16 are its data, and an action it
 * does not know is treated as SECCOMP_RET_KILL_PROCESS.
 */
import { Action, decodeAction, RET } from '../actions.js';

const ACTION_FULL = 0xffff0000;
const KNOWN_ACTIONS: ReadonlySet<number> = new Set(Object.values(RET));

/** Whether the action bits of `value` name an action this kernel ABI defines. */
export function isKnownActionValue(value: number): boolean {
  return KNOWN_ACTIONS.has((value & ACTION_FULL) >>> 0);
}

/**
 * The action the kernel takes for a filter's return value: unknown actions kill the process.
 * (For ERRNO the kernel also caps the errno at 4095; the action keeps the 16-bit data.)
 */
export function kernelAction(value: number): Action {
  return isKnownActionValue(value) ? decodeAction(value) : Action.killProcess;
}
