/**
 * Installing a ready BPF program with seccomp(2) — no libseccomp needed, only libc. This is
 * the cold-start path: compile at build time, load the bytes at start-up.
 */
import { decodeBpf } from './abi.js';
import { errnoWord } from './backend.js';
import type { Native } from './native.js';
import { validate } from './bpf/validate.js';
import { installBpf, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, type LoadBpfOptions } from './installbpf.js';

// The constants live in installbpf.ts (with installBpf, internal), which lockdown's lean entry
// loads without the validator; they are re-exported here, where they always were.
export { FILTER_FLAGS, PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_STRICT, SECCOMP_SET_MODE_FILTER, type LoadBpfOptions } from './installbpf.js';

export function setNoNewPrivs(native: Native): void {
  const lib = native.libc;
  const word = errnoWord(lib);
  native.cCall('prctl(PR_SET_NO_NEW_PRIVS)', lib.symbols.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), word[0]);
}

/**
 * Full validation (every instruction, as the kernel's checker reads it), a private copy, then
 * install. This is the general loader: bytes from anywhere get an error that names the
 * instruction, where the kernel would only answer EINVAL.
 */
export function loadBpf(native: Native, bpf: Uint8Array, options: LoadBpfOptions = {}): void {
  if (!(bpf instanceof Uint8Array)) throw new TypeError('loadBpf() takes the program as a Uint8Array (what compile() returns).');
  validate(decodeBpf(bpf));
  // After the filter is in place, binding a symbol may be refused (see Native.bindAll).
  native.bindAll();
  if (options.noNewPrivs ?? true) setNoNewPrivs(native);
  // A copy: the caller's array could change while the kernel reads it.
  installBpf(native, bpf.slice(), options);
}

/**
 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT): only read, write, _exit and sigreturn. It binds
 * the calling thread alone, and a violation kills only that thread: in a JS runtime the main
 * thread dies while the others live on, and the process hangs. Prefer strictModeFilter().
 */
export function strictMode(native: Native): void {
  native.bindAll();
  const lib = native.libc;
  const word = errnoWord(lib);
  native.cCall('prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT)', lib.symbols.prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0), word[0]);
}
