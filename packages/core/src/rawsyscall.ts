/**
 * Making one syscall directly, through libc's syscall(): how tests and troubleshooting see
 * exactly what a filter answers, without the runtime's own I/O layers in the way.
 */
import { nativeArch } from './arch.js';
import { errnoWord } from './backend.js';
import type { Native } from './native.js';
import { resolveSyscall, syscallName } from './syscalls/index.js';

export type SyscallArg = number | bigint | Uint8Array | null;

export interface SyscallResult {
  /** The return value (-1 on failure). */
  ret: number;
  /** errno when ret is -1, else 0. */
  errno: number;
}

/**
 * Syscalls whose successful result may need more than 32 bits: addresses, file offsets and
 * clock ticks. They go through `syscall_long`; every other one through `syscall`, whose int
 * result allocates nothing before errno is read (Deno boxes a 64-bit result as a BigInt).
 * Read-like counts fit an int: Linux moves at most 0x7ffff000 bytes per call.
 */
const WIDE_RESULT: ReadonlySet<string> = new Set(['mmap', 'mmap2', 'mremap', 'brk', 'shmat', 'map_shadow_stack', 'lseek', 'time', 'times']);

export function rawSyscall(native: Native, syscall: string | number, args: readonly SyscallArg[]): SyscallResult {
  if (args.length > 6) throw new RangeError(`A syscall takes at most 6 arguments, got ${args.length}.`);
  const lib = native.libc;
  const arch = nativeArch(native.host.machine?.());
  const nr = typeof syscall === 'number' ? syscall : resolveSyscall(syscall, arch);
  const a = Array.from({ length: 6 }, (_, i) => {
    const v = args[i];
    if (v instanceof Uint8Array) return lib.addressOf(v);
    if (v === null || v === undefined) return 0;
    return typeof v === 'bigint' ? BigInt.asIntN(64, v) : v;
  });
  const wide = WIDE_RESULT.has(typeof syscall === 'string' ? syscall : syscallName(nr, arch) ?? '');
  const fn = wide ? lib.symbols.syscall_long : lib.symbols.syscall;
  const word = errnoWord(lib);
  const rc = fn(nr, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!);
  // errno first: nothing may run between the call and this read.
  const errno = word[0]!;
  const ret = Number(rc);
  return { ret, errno: ret === -1 ? errno : 0 };
}
