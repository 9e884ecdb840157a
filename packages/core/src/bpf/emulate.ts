/**
 * `emulate`: what a seccomp filter answers for one syscall on one arch, without loading it.
 * The seccomp_data is laid out in the simulated arch's byte order, so a big-endian
 * filter (s390x, mips) sees its arguments' halves where its kernel would put them.
 */
import type { Action } from '../actions.js';
import type { ArchInfo, ArchName, Endian } from '../arch.js';
import { archInfo } from '../arch.js';
import type { SockFilter } from '../abi.js';
import { decodeBpf, packSeccompData } from '../abi.js';
import { toU64 } from '../compare.js';
import { UnknownSyscallError } from '../errors.js';
import { resolveSyscall, resolveSyscallRaw, X32_SYSCALL_BIT } from '../syscalls/index.js';
import { prepare, PreparedBpf, runTraced } from './run.js';
import { kernelAction } from './verdict.js';
import { checkBpf, checkObject, describeValue, InputTypeError } from '../input.js';

export interface EmulateInput {
  arch: ArchName;
  /** A name (resolved for `arch`; x32 numbers carry bit 30) or the raw nr as a u32 pattern (-1 is 0xffffffff). */
  syscall: string | number;
  /** Up to six u64 arguments; negative values are their two's complement. */
  args?: readonly (bigint | number)[];
  /** seccomp_data.instruction_pointer. */
  ip?: bigint | number;
  /** Byte order of a raw program (Uint8Array); default: the arch's, as libseccomp exports it. */
  endian?: Endian;
}

export interface EmulateResult {
  /** What the kernel does with `value`: an unknown action is KILL_PROCESS. */
  action: Action;
  /** The raw u32 the filter returned. */
  value: number;
  /** Instructions executed, including the one that returned. */
  instructions: number;
  /** The pc of each executed instruction, in order. */
  path: number[];
}

/**
 * The nr the kernel sees for a call by name: its own number where the arch has one (x86
 * `socket` is 359, which a libseccomp filter checks besides socketcall), else libseccomp's
 * negative pseudo number, which no real call carries, so the filter's default applies.
 */
function resolveForKernel(name: string, arch: ArchName): number {
  try {
    return resolveSyscall(name, arch);
  } catch (err) {
    // Where resolveSyscall refuses a name this arch lacks, use its pseudo number; a name
    // no arch has throws again here.
    if (err instanceof UnknownSyscallError) return resolveSyscallRaw(name, arch);
    throw err;
  }
}

function syscallNumber(syscall: string | number, info: ArchInfo): number {
  if (typeof syscall === 'number') {
    if (!Number.isInteger(syscall) || syscall < -0x80000000 || syscall > 0xffffffff) {
      throw new RangeError(`A syscall number must be a 32-bit integer, got ${syscall}.`);
    }
    return syscall >>> 0;
  }
  const nr = resolveForKernel(syscall, info.name);
  // x32 syscalls reach the kernel with bit 30 set; pseudo numbers (negative) are left alone.
  return (info.name === 'x32' && nr >= 0 ? nr | X32_SYSCALL_BIT : nr) >>> 0;
}

function toArgs(args: readonly (bigint | number)[] | undefined): bigint[] {
  if (args === undefined) return [];
  if (!Array.isArray(args) || args.length > 6) throw new RangeError(`A syscall has at most 6 arguments; got ${String(args.length)}.`);
  return args.map((a, i) => toU64(a, `Argument ${i}`));
}

function toProgram(bpf: Uint8Array | readonly SockFilter[] | PreparedBpf, info: ArchInfo, endian: Endian | undefined): PreparedBpf {
  if (bpf instanceof PreparedBpf) return bpf;
  return prepare(bpf instanceof Uint8Array ? decodeBpf(bpf, endian ?? info.endian) : bpf, info.endian);
}

/**
 * Runs a seccomp filter as the kernel would for `input`. Validates first (InvalidBpfError).
 * A raw program is decoded in `input.endian`, else in the arch's byte order.
 */
export function emulate(bpf: Uint8Array | readonly SockFilter[] | PreparedBpf, input: EmulateInput): EmulateResult {
  checkObject(input, 'input');
  const info = archInfo(input.arch);
  if (typeof input.syscall !== 'string' && typeof input.syscall !== 'number') {
    throw new InputTypeError('input.syscall', 'a name or a number', describeValue(input.syscall));
  }
  const prepared = toProgram(bpf instanceof PreparedBpf ? bpf : checkBpf(bpf), info, input.endian);
  const data = packSeccompData(
    {
      nr: syscallNumber(input.syscall, info),
      arch: info.auditArch,
      instructionPointer: toU64(input.ip ?? 0, 'The instruction pointer'),
      args: toArgs(input.args),
    },
    info.endian,
  );
  const trace = runTraced(prepared, data, info.endian);
  return { action: kernelAction(trace.value), ...trace };
}
