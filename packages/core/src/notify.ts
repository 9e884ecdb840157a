/**
 * User notification (SECCOMP_RET_USER_NOTIF): a supervisor receives the syscalls a filter
 * sends to it and answers each one. Layouts from linux/seccomp.h:
 *   struct seccomp_notif      { u64 id; u32 pid; u32 flags; struct seccomp_data data; }  80 B
 *   struct seccomp_notif_resp { u64 id; s64 val; s32 error; u32 flags; }                  24 B
 */
import { HOST_ENDIAN } from './abi.js';
import { errnoWord } from './backend.js';
import { nativeArch } from './arch.js';
import { check } from './errors.js';
import type { Native } from './native.js';
import type { Pointer } from './symbols.js';
import { resolveSyscall } from './syscalls/index.js';

/** Let the syscall run as if no filter had stopped it (kernel ≥ 5.5). */
export const USER_NOTIF_FLAG_CONTINUE = 1;

export interface Notification {
  id: bigint;
  pid: number;
  flags: number;
  /** seccomp_data.nr and .arch (audit arch). */
  syscall: number;
  arch: number;
  instructionPointer: bigint;
  args: bigint[];
}

export interface NotificationResponse {
  id: bigint;
  /** The syscall's return value when `error` is 0. */
  val?: bigint | number;
  /** A positive errno to fail the syscall with (0 = success with `val`). */
  error?: number;
  /** Let the real syscall run (SECCOMP_USER_NOTIF_FLAG_CONTINUE). */
  continue?: boolean;
}

const le = HOST_ENDIAN === 'little';

function decodeNotification(bytes: Uint8Array): Notification {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    id: dv.getBigUint64(0, le),
    pid: dv.getUint32(8, le),
    flags: dv.getUint32(12, le),
    syscall: dv.getInt32(16, le),
    arch: dv.getUint32(20, le),
    instructionPointer: dv.getBigUint64(24, le),
    args: Array.from({ length: 6 }, (_, i) => dv.getBigUint64(32 + 8 * i, le)),
  };
}

function encodeResponse(r: NotificationResponse): Uint8Array {
  const out = new Uint8Array(24);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, r.id, le);
  dv.setBigInt64(8, BigInt(r.val ?? 0), le);
  dv.setInt32(16, r.error ? -Math.abs(r.error) : 0, le);
  dv.setUint32(20, r.continue ? USER_NOTIF_FLAG_CONTINUE : 0, le);
  return out;
}

/** A supervisor's buffers (seccomp_notify_alloc) and the calls that use them. */
export class NotifySupervisor implements Disposable {
  readonly #native: Native;
  readonly fd: number;
  #req: Pointer;
  #resp: Pointer;

  constructor(native: Native, fd: number) {
    if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`A notification fd is a non-negative integer, got ${fd}.`);
    this.#native = native;
    this.fd = fd;
    const out = new Uint8Array(16);
    check(native.sym.seccomp_notify_alloc(out.subarray(0, 8), out.subarray(8, 16)), 'seccomp_notify_alloc');
    const dv = new DataView(out.buffer);
    this.#req = native.lib.pointerFrom(dv.getBigUint64(0, le));
    this.#resp = native.lib.pointerFrom(dv.getBigUint64(8, le));
  }

  get #buffers(): { req: Pointer; resp: Pointer } {
    if (this.#req === null) throw new TypeError('This NotifySupervisor was released; create a new one.');
    return { req: this.#req, resp: this.#resp };
  }

  /** Blocks until a filtered syscall arrives. */
  receive(): Notification {
    const { req } = this.#buffers;
    const lib = this.#native.lib;
    lib.writeMemory(req, 0, new Uint8Array(80)); // the kernel wants a zeroed request
    check(this.#native.sym.seccomp_notify_receive(this.fd, req), 'seccomp_notify_receive', {
      hints: { ENOENT: 'the target went away before its syscall could be read' },
    });
    return decodeNotification(lib.readMemory(req, 0, 80));
  }

  respond(response: NotificationResponse): void {
    const { resp } = this.#buffers;
    if (response.continue && (response.val || response.error)) {
      throw new RangeError('A "continue" response lets the real syscall run: it takes no val or error.');
    }
    this.#native.lib.writeMemory(resp, 0, encodeResponse(response));
    check(this.#native.sym.seccomp_notify_respond(this.fd, resp), 'seccomp_notify_respond', {
      hints: {
        ECANCELED: 'the kernel rejected the response: the notification was already answered or its target died',
        ENOENT: 'no such notification: already answered, or its target died',
      },
    });
  }

  /** Whether the notification is still pending (the target may have died). */
  idValid(id: bigint): boolean {
    return this.#native.sym.seccomp_notify_id_valid(this.fd, id) === 0;
  }

  release(): void {
    if (this.#req === null) return;
    this.#native.sym.seccomp_notify_free(this.#req, this.#resp);
    this.#req = null;
    this.#resp = null;
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Copies file descriptor `fd` of process `pid` into this process (pidfd_open + pidfd_getfd,
 * kernel ≥ 5.6; needs ptrace rights over pid). How a supervisor gets a child's notify fd.
 */
export function takeFd(native: Native, pid: number, fd: number): number {
  const lib = native.libc;
  const arch = nativeArch(native.host.machine?.());
  if (!Number.isInteger(pid) || pid <= 0) throw new RangeError(`A pid is a positive integer, got ${pid}.`);
  if (!Number.isInteger(fd) || fd < 0) throw new RangeError(`An fd is a non-negative integer, got ${fd}.`);
  const word = errnoWord(lib);
  const sys = (name: string, ...a: number[]) => {
    const rc = Number(lib.symbols.syscall(resolveSyscall(name, arch), a[0] ?? 0, a[1] ?? 0, a[2] ?? 0, 0, 0, 0));
    const errno = word[0]!;
    return rc === -1 ? check(-1, name, { errno, hints: { ESRCH: `no process ${pid}`, EBADF: `process ${pid} has no fd ${fd}` } }) : rc;
  };
  const pidfd = sys('pidfd_open', pid, 0);
  try {
    return sys('pidfd_getfd', pidfd, fd, 0);
  } finally {
    lib.symbols.close(pidfd);
  }
}
