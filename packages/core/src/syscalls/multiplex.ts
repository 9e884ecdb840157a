/**
 * The socket and SysV IPC calls that x86, ppc, s390, mips o32, sh and m68k also reach
 * through one multiplexing syscall, socketcall(2) or ipc(2), whose first argument is the
 * call number below (SYS_* in linux/net.h, SEMOP… in linux/ipc.h).
 *
 * libseccomp keeps one list of these names for every such arch and treats them all as
 * multiplexed there, even where the kernel also has a direct syscall (x86 `socket` is 359),
 * so a rule must cover both entries. Its pseudo-syscall numbers follow the call numbers:
 * -(100 + call) for socket calls, -(200 + call) for IPC calls.
 */

// prettier-ignore
export const SOCKETCALL_CALLS = Object.freeze({
  socket: 1, bind: 2, connect: 3, listen: 4, accept: 5, getsockname: 6, getpeername: 7,
  socketpair: 8, send: 9, recv: 10, sendto: 11, recvfrom: 12, shutdown: 13, setsockopt: 14,
  getsockopt: 15, sendmsg: 16, recvmsg: 17, accept4: 18, recvmmsg: 19, sendmmsg: 20,
} as const);

export type SocketcallName = keyof typeof SOCKETCALL_CALLS;

// prettier-ignore
export const IPC_CALLS = Object.freeze({
  semop: 1, semget: 2, semctl: 3, semtimedop: 4, msgsnd: 11, msgrcv: 12, msgget: 13, msgctl: 14,
  shmat: 21, shmdt: 22, shmget: 23, shmctl: 24,
} as const);

export type IpcName = keyof typeof IPC_CALLS;

/** Whether libseccomp multiplexes `name` on arches that have socketcall(2) or ipc(2). */
export function isMultiplexedName(name: string): name is SocketcallName | IpcName {
  return Object.hasOwn(SOCKETCALL_CALLS, name) || Object.hasOwn(IPC_CALLS, name);
}
