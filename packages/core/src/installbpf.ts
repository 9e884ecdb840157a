/**
 * seccomp(SECCOMP_SET_MODE_FILTER) on a program already in memory, with the constants it
 * needs. Split from loadbpf.ts so that lockdown's lean entry, which loads programs the SDK
 * built, does not load the BPF validator that loadBpf() runs first.
 */
import { HOST_ENDIAN, packSockFprog, SOCK_FILTER_SIZE } from './abi.js';
import { nativeArch } from './arch.js';
import { errnoWord } from './backend.js';
import { BPF_MAXINSNS } from './bpf/opcodes.js';
import { InvalidBpfError, TsyncError } from './errors.js';
import type { Native } from './native.js';
import { resolveSyscall } from './syscalls/index.js';

/** prctl(2) and seccomp(2) constants (linux/prctl.h, linux/seccomp.h). */
export const PR_SET_SECCOMP = 22;
export const PR_SET_NO_NEW_PRIVS = 38;
export const SECCOMP_MODE_STRICT = 1;
export const SECCOMP_SET_MODE_FILTER = 1;
export const FILTER_FLAGS = Object.freeze({ tsync: 1, log: 2, specAllow: 4, newListener: 8, tsyncEsrch: 16 } as const);

export interface LoadBpfOptions {
  /** TSYNC: apply to every thread of the process (default true). A failure is an error. */
  allThreads?: boolean;
  /** SECCOMP_FILTER_FLAG_LOG. */
  log?: boolean;
  /** SECCOMP_FILTER_FLAG_SPEC_ALLOW: skip the Spectre-v4 mitigation. */
  specAllow?: boolean;
  /** Set NO_NEW_PRIVS first (default true; without it seccomp needs CAP_SYS_ADMIN). */
  noNewPrivs?: boolean;
}

const BPF_RET = 0x06;
const BPF_CLASS_MASK = 0x07;

/**
 * seccomp(SECCOMP_SET_MODE_FILTER) on a program the SDK built or decoded itself (lockdown):
 * only its shape is checked here — whole instructions, 1 to 4096 of them, ending in a return.
 * The kernel runs the full check (bpf_check_classic, seccomp_check_filter) and answers EINVAL
 * to anything else, so a JavaScript pass over every instruction would only repeat it. The
 * program is read in place: the caller hands over a buffer nothing else writes to.
 * NO_NEW_PRIVS is the caller's business. `seccompNr` spares a caller that knows the number
 * the syscall table's name index (built on first use: 0.1 ms cold on Node, 0.5 on Bun).
 */
export function installBpf(
  native: Native,
  program: Uint8Array,
  options: Omit<LoadBpfOptions, 'noNewPrivs'> = {},
  seccompNr?: number,
): void {
  const count = program.byteLength / SOCK_FILTER_SIZE;
  if (!Number.isInteger(count) || count < 1 || count > BPF_MAXINSNS) {
    throw new InvalidBpfError(`a seccomp program is 1 to ${BPF_MAXINSNS} whole 8-byte instructions; this one has ${program.byteLength} bytes`);
  }
  const last = program.byteLength - SOCK_FILTER_SIZE;
  const code = new DataView(program.buffer, program.byteOffset + last, 2).getUint16(0, HOST_ENDIAN === 'little');
  if ((code & BPF_CLASS_MASK) !== BPF_RET) throw new InvalidBpfError('the program does not end with a return', count - 1);
  const flags = (options.allThreads ?? true ? FILTER_FLAGS.tsync : 0) | (options.log ? FILTER_FLAGS.log : 0) | (options.specAllow ? FILTER_FLAGS.specAllow : 0);
  const lib = native.libc;
  const fprog = packSockFprog(count, lib.addressOf(program));
  const nr = seccompNr ?? resolveSyscall('seccomp', nativeArch(native.host.machine?.()));
  const address = lib.addressOf(fprog);
  const word = errnoWord(lib);
  const rc = lib.symbols.syscall(nr, SECCOMP_SET_MODE_FILTER, flags, address, 0, 0, 0);
  const errno = word[0];
  // With TSYNC, a positive result is the id of a thread that could not be synchronised.
  if (rc > 0) throw new TsyncError('seccomp(SECCOMP_SET_MODE_FILTER)', Number(rc));
  native.cCall('seccomp(SECCOMP_SET_MODE_FILTER)', rc, errno);
  keepAlive(program, fprog);
}

/** Holds the buffers until after the call (the kernel copies the program during it). */
function keepAlive(..._buffers: Uint8Array[]): void {}

