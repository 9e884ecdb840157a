/**
 * Making one syscall directly, through libc's syscall(): how tests and troubleshooting see
 * exactly what a filter answers, without the runtime's own I/O layers in the way.
 */
import { nativeArch } from './arch.js';
import type { Native } from './native.js';
import { resolveSyscall } from './syscalls/index.js';

export type SyscallArg = number | bigint | Uint8Array | null;

export interface SyscallResult {
  /** The return value (-1 on failure). */
  ret: number;
  /** errno when ret is -1, else 0. */
  errno: number;
}

export function rawSyscall(native: Native, syscall: string | number, args: readonly SyscallArg[]): SyscallResult {
  if (args.length > 6) throw new RangeError(`A syscall takes at most 6 arguments, got ${args.length}.`);
  const lib = native.libc;
  const nr = typeof syscall === 'number' ? syscall : resolveSyscall(syscall, nativeArch(native.host.machine()));
  const a = Array.from({ length: 6 }, (_, i) => {
    const v = args[i];
    if (v instanceof Uint8Array) return lib.addressOf(v);
    if (v === null || v === undefined) return 0;
    return typeof v === 'bigint' ? BigInt.asIntN(64, v) : v;
  });
  const ret = Number(lib.symbols.syscall(nr, a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!));
  return { ret, errno: ret === -1 ? lib.errno() : 0 };
}
