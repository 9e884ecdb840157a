/**
 * The sockets a locked-down handler may create, as an allowlist of (domain, type, protocol).
 * Everything else — raw and packet sockets, SOCK_PACKET in any domain, and every domain not
 * listed (AF_VSOCK, AF_ALG, AF_KEY, AF_BLUETOOTH, AF_XDP, …) — gets the denial action. A deny
 * list missed SOCK_PACKET once; an allowlist misses nothing new.
 *
 * Values from linux/socket.h, linux/net.h, linux/in.h and linux/netlink.h. MIPS swaps the
 * numbers of SOCK_STREAM and SOCK_DGRAM (arch/mips/include/asm/socket.h).
 */
import type { ArchName } from '../arch.js';
import { arg32, type Condition } from '../compare.js';

export const AF = Object.freeze({ UNIX: 1, INET: 2, INET6: 10, NETLINK: 16 } as const);
export const IPPROTO = Object.freeze({ IP: 0, TCP: 6, UDP: 17 } as const);
export const NETLINK_ROUTE = 0;

/**
 * The type's low four bits (SOCK_TYPE_MASK). The kernel refuses with EINVAL any other bit than
 * SOCK_NONBLOCK and SOCK_CLOEXEC, whose values differ between arches, so comparing these four
 * bits alone allows exactly the listed type with any valid flags, on every arch.
 */
export const SOCK_TYPE_MASK = 0xf;

type SockType = 'stream' | 'dgram' | 'raw' | 'seqpacket';

const GENERIC_TYPES: Record<SockType, number> = { stream: 1, dgram: 2, raw: 3, seqpacket: 5 };
const MIPS_TYPES: Record<SockType, number> = { stream: 2, dgram: 1, raw: 3, seqpacket: 5 };

export function sockType(arch: ArchName, type: SockType): number {
  return (arch.startsWith('mips') ? MIPS_TYPES : GENERIC_TYPES)[type];
}

/** One allowed (domain, type, protocols) entry; `protocols` undefined: the kernel's own check suffices. */
export interface SocketEntry {
  domain: keyof typeof AF;
  type: SockType;
  protocols?: readonly number[];
  why: string;
}

/** socket(2): what Node, Bun and Deno were seen using, and what a handler's libraries need. */
export const SOCKET_ALLOW: readonly SocketEntry[] = Object.freeze([
  { domain: 'INET', type: 'stream', protocols: [IPPROTO.IP, IPPROTO.TCP], why: 'TCP clients and servers' },
  { domain: 'INET6', type: 'stream', protocols: [IPPROTO.IP, IPPROTO.TCP], why: 'TCP over IPv6' },
  { domain: 'INET', type: 'dgram', protocols: [IPPROTO.IP, IPPROTO.UDP], why: 'UDP: DNS resolvers, QUIC, metrics' },
  { domain: 'INET6', type: 'dgram', protocols: [IPPROTO.IP, IPPROTO.UDP], why: 'UDP over IPv6' },
  // AF_UNIX takes protocol 0 only (the kernel refuses others), so it needs no check.
  { domain: 'UNIX', type: 'stream', why: 'local services (a database socket, the runtime’s IPC)' },
  { domain: 'UNIX', type: 'dgram', why: 'syslog, sd_notify' },
  { domain: 'UNIX', type: 'seqpacket', why: 'local services that keep message boundaries' },
  { domain: 'NETLINK', type: 'raw', protocols: [NETLINK_ROUTE], why: "glibc's getaddrinfo (AI_ADDRCONFIG) and getifaddrs" },
  { domain: 'NETLINK', type: 'dgram', protocols: [NETLINK_ROUTE], why: 'the same route queries, as some libraries open them' },
]);

/** socketpair(2): only AF_UNIX makes pairs that matter (signal self-pipes, runtime IPC). */
export const SOCKETPAIR_ALLOW: readonly SocketEntry[] = Object.freeze(
  SOCKET_ALLOW.filter((e) => e.domain === 'UNIX').map((e) => ({ ...e, why: 'a connected pair within the process' })),
);

/**
 * Each entry as the condition lists of allow rules (one per protocol). Every comparison is on
 * the low 32 bits: the kernel reads int arguments, so garbage in the high word changes nothing.
 */
export function socketConditions(entries: readonly SocketEntry[], arch: ArchName): Condition[][] {
  return entries.flatMap((e) => {
    const base = [arg32(0).eq(AF[e.domain]), arg32(1).maskedEq(SOCK_TYPE_MASK, sockType(arch, e.type))];
    return e.protocols ? e.protocols.map((p) => [...base, arg32(2).eq(p)]) : [base];
  });
}
