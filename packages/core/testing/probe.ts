/**
 * Turns a filter into a probe: a program the real kernel can run on any syscall without
 * anything happening. A guard lets every syscall through except a chosen set on the native
 * arch; those enter the original program, whose every `RET K` now answers ERRNO(code),
 * with `code` naming the verdict it replaced. A child then issues the set's syscalls for
 * real and reports the errnos, which decode back to the kernel's verdicts.
 *
 * Codes: ALLOW 1000, KILL (thread) 1001, KILL_PROCESS 1002, TRAP 1003, LOG 1004,
 * NOTIFY 1005, ERRNO(n) 2000+n and TRACE(n) 3000+n for n < 1000; any other value (data
 * too large, data on an action that takes none, an unknown action) gets a code from 4000
 * up, listed in the probe's `spare` table. The kernel caps errnos at 4095.
 */
import type { SockFilter } from '../src/abi.js';
import { BPF_A, BPF_ABS, BPF_JA, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W, jump, stmt } from '../src/bpf/opcodes.js';

const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
const RET_TRACE = 0x7ff00000;
const ACTION_MASK = 0xffff0000;

/** Verdicts without data, by their exact return value. */
const FIXED: ReadonlyMap<number, number> = new Map([
  [RET_ALLOW, 1000], [0x00000000, 1001], [0x80000000, 1002], [0x00030000, 1003], [0x7ffc0000, 1004], [0x7fc00000, 1005],
]);
const ERRNO_BASE = 2000;
const TRACE_BASE = 3000;
const SPARE_BASE = 4000;
const MAX_ERRNO = 4095;

/** Offsets of seccomp_data.nr and .arch. */
const NR = 0;
const ARCH = 4;
const MAX_SET = 255;

export interface Probe {
  program: SockFilter[];
  /** Codes from SPARE_BASE up → the raw return value each stands for. */
  spare: Record<string, number>;
}

/** The errno code for a filter's return value; adds to `spare` when no fixed code fits. */
function codeFor(value: number, spare: Map<number, number>): number {
  const v = value >>> 0;
  const data = v & 0xffff;
  const fixed = FIXED.get(v);
  if (fixed !== undefined) return fixed;
  if (((v & ACTION_MASK) >>> 0) === RET_ERRNO && data < 1000) return ERRNO_BASE + data;
  if (((v & ACTION_MASK) >>> 0) === RET_TRACE && data < 1000) return TRACE_BASE + data;
  if (!spare.has(v)) {
    const code = SPARE_BASE + spare.size;
    if (code > MAX_ERRNO) throw new RangeError('The program returns too many distinct values to encode as errnos.');
    spare.set(v, code);
  }
  return spare.get(v)!;
}

/** The raw return value an errno from a probe stands for, or undefined if it is no probe code. */
export function decodeProbeErrno(code: number, spare: Record<string, number>): number | undefined {
  for (const [v, c] of FIXED) if (c === code) return v;
  if (code >= ERRNO_BASE && code < ERRNO_BASE + 1000) return (RET_ERRNO | (code - ERRNO_BASE)) >>> 0;
  if (code >= TRACE_BASE && code < TRACE_BASE + 1000) return (RET_TRACE | (code - TRACE_BASE)) >>> 0;
  return spare[String(code)];
}

function rewriteReturn(ins: SockFilter, spare: Map<number, number>): SockFilter {
  if (ins.code === (BPF_RET | BPF_A)) throw new RangeError('RET A cannot be mapped to a fixed errno (libseccomp never emits it).');
  if (ins.code !== (BPF_RET | BPF_K)) return { ...ins };
  return stmt(BPF_RET | BPF_K, (RET_ERRNO | codeFor(ins.k, spare)) >>> 0);
}

/**
 * The probe for `original` (a filter for the arch whose audit value is `auditArch`) that
 * runs it only for the syscall numbers in `nrs` (u32 patterns, at most 255).
 */
export function probeProgram(original: readonly SockFilter[], nrs: readonly number[], auditArch: number): Probe {
  const set = [...new Set(nrs.map((n) => n >>> 0))];
  if (set.length === 0 || set.length > MAX_SET) throw new RangeError(`A probe tests 1 to ${MAX_SET} syscall numbers, got ${set.length}.`);
  const n = set.length;
  // Layout: [arch guard: 3][nr load: 1][JEQ chain: n][JA allow: 1][original][RET ALLOW].
  const entry = 5 + n;
  const allow = entry + original.length;
  const spare = new Map<number, number>();
  const program: SockFilter[] = [
    stmt(BPF_LD | BPF_W | BPF_ABS, ARCH),
    jump(BPF_JMP | BPF_JEQ | BPF_K, auditArch, 1, 0),
    // Conditional offsets are 8 bits; JA takes 32, so the guards reach the final RET through it.
    stmt(BPF_JMP | BPF_JA, allow - 3),
    stmt(BPF_LD | BPF_W | BPF_ABS, NR),
    ...set.map((nr, i) => jump(BPF_JMP | BPF_JEQ | BPF_K, nr, n - i, 0)),
    stmt(BPF_JMP | BPF_JA, allow - entry),
    ...original.map((ins) => rewriteReturn(ins, spare)),
    stmt(BPF_RET | BPF_K, RET_ALLOW),
  ];
  return { program, spare: Object.fromEntries([...spare].map(([v, c]) => [String(c), v])) };
}
