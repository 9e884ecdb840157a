/**
 * What a process may do to itself and not to others: signal itself (signal-exit and Node
 * re-raise a fatal signal to their own process), set its own priority, affinity and limits.
 *
 * The process id is known only when lockdown() runs, while compileLockdown() builds the
 * programs earlier (at build time for the cold start). So the rules compare with a
 * placeholder that no real pid can equal (pid_max is at most 2^22), and bindSelfPid() writes
 * the real pid into every comparison with it just before loading.
 */
import { HOST_ENDIAN, SOCK_FILTER_SIZE } from '../abi.js';
import { arg32, type Condition } from '../compare.js';
import { InvalidBpfError } from '../errors.js';

export const SELF_PID_PLACEHOLDER = 0x5e1f5e1f;

const PRIO_PROCESS = 0;

/** Each syscall's allowed forms: conditions of allow rules (OR between the lists). */
export interface SelfRule {
  syscall: string;
  forms: Condition[][];
  why: string;
}

const self = (index: number) => arg32(index).eq(SELF_PID_PLACEHOLDER);
const zero = (index: number) => arg32(index).eq(0);

/**
 * Targets are compared on the low 32 bits (pid_t is an int). "0" means the caller for the
 * priority, affinity and limit calls; for kill it means the process group, which holds other
 * processes, so it stays refused.
 */
export const SELF_RULES: readonly SelfRule[] = Object.freeze([
  { syscall: 'kill', forms: [[self(0)]], why: 'process.kill(process.pid, sig): signal-exit re-raises to itself' },
  { syscall: 'tgkill', forms: [[self(0)]], why: "raise() and Node's own re-raise: the thread group is this process" },
  { syscall: 'tkill', forms: [[self(0)]], why: 'the main thread only: other threads’ ids are not known in advance' },
  { syscall: 'rt_sigqueueinfo', forms: [[self(0)]], why: 'sigqueue() to itself' },
  { syscall: 'rt_tgsigqueueinfo', forms: [[self(0)]], why: 'a queued signal to one of its own threads' },
  { syscall: 'getpriority', forms: [[arg32(0).eq(PRIO_PROCESS), zero(1)], [arg32(0).eq(PRIO_PROCESS), self(1)]], why: 'os.getPriority()' },
  { syscall: 'setpriority', forms: [[arg32(0).eq(PRIO_PROCESS), zero(1)], [arg32(0).eq(PRIO_PROCESS), self(1)]], why: 'os.setPriority()' },
  { syscall: 'sched_setaffinity', forms: [[zero(0)], [self(0)]], why: 'pinning the calling or main thread' },
  { syscall: 'prlimit64', forms: [[zero(0)], [self(0)]], why: 'getrlimit/setrlimit go through prlimit64(0, …)' },
]);

const JMP_JEQ_K = 0x15;

/**
 * A copy of `program` with the placeholder replaced by `pid` wherever a comparison uses it.
 * The placeholder anywhere else means the program was not made by compileLockdown().
 */
export function bindSelfPid(program: Uint8Array, pid: number): Uint8Array {
  return bindSelfPidInPlace(program.slice(), pid);
}

/** bindSelfPid without the copy, for a program nothing else holds (lockdown's own). */
export function bindSelfPidInPlace(program: Uint8Array, pid: number): Uint8Array {
  if (!Number.isInteger(pid) || pid <= 0 || pid >= SELF_PID_PLACEHOLDER) throw new RangeError(`Not a process id: ${pid}.`);
  const dv = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const little = HOST_ENDIAN === 'little';
  for (let at = 0; at + SOCK_FILTER_SIZE <= program.length; at += SOCK_FILTER_SIZE) {
    if (dv.getUint32(at + 4, little) !== SELF_PID_PLACEHOLDER) continue;
    if (dv.getUint16(at, little) !== JMP_JEQ_K) throw new InvalidBpfError('the process-id placeholder is used outside a comparison', at / SOCK_FILTER_SIZE);
    dv.setUint32(at + 4, pid, little);
  }
  return program;
}
