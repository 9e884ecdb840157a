/**
 * Installing a ready BPF program with seccomp(2) — no libseccomp needed, only libc. This is
 * the cold-start path: compile at build time, load the bytes at start-up.
 */
import { decodeBpf, packSockFprog, SOCK_FILTER_SIZE } from './abi.js';
import { nativeArch } from './arch.js';
import { errnoWord } from './backend.js';
import { SeccompError } from './errors.js';
import type { Native } from './native.js';
import { resolveSyscall } from './syscalls/index.js';
import { validate } from './bpf/index.js';

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

export function setNoNewPrivs(native: Native): void {
  const lib = native.libc;
  const word = errnoWord(lib);
  native.cCall('prctl(PR_SET_NO_NEW_PRIVS)', lib.symbols.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), word[0]);
}

export function loadBpf(native: Native, bpf: Uint8Array, options: LoadBpfOptions = {}): void {
  if (!(bpf instanceof Uint8Array)) throw new TypeError('loadBpf() takes the program as a Uint8Array (what compile() returns).');
  validate(decodeBpf(bpf));
  const flags = (options.allThreads ?? true ? FILTER_FLAGS.tsync : 0) | (options.log ? FILTER_FLAGS.log : 0) | (options.specAllow ? FILTER_FLAGS.specAllow : 0);
  const lib = native.libc;
  if (options.noNewPrivs ?? true) setNoNewPrivs(native);
  const program = bpf.slice();
  const fprog = packSockFprog(program.byteLength / SOCK_FILTER_SIZE, lib.addressOf(program));
  const nr = resolveSyscall('seccomp', nativeArch(native.host.machine()));
  const address = lib.addressOf(fprog);
  const word = errnoWord(lib);
  const rc = lib.symbols.syscall(nr, SECCOMP_SET_MODE_FILTER, flags, address, 0, 0, 0);
  const errno = word[0];
  // With TSYNC, a positive result is the id of a thread that could not be synchronised.
  if (rc > 0) throw new SeccompError('seccomp(SECCOMP_SET_MODE_FILTER)', 3, `TSYNC failed: thread ${rc} has a different filter`);
  native.cCall('seccomp(SECCOMP_SET_MODE_FILTER)', rc, errno);
  keepAlive(program, fprog);
}

/** Holds the buffers until after the call (the kernel copies the program during it). */
function keepAlive(..._buffers: Uint8Array[]): void {}

/**
 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT): only read, write, _exit and sigreturn. It binds
 * the calling thread alone, and a violation kills only that thread: in a JS runtime the main
 * thread dies while the others live on, and the process hangs. Prefer strictModeFilter().
 */
export function strictMode(native: Native): void {
  const lib = native.libc;
  const word = errnoWord(lib);
  native.cCall('prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)', lib.symbols.prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0), word[0]);
}
