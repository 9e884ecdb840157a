/**
 * Syscall group, child side: times getppid and a small file read (openat + read + close),
 * loads the filters it is given one after the other (several = stacked), and times the same
 * calls again in the same process. The calls go through libc's syscall() as the SDK bound it,
 * with no SDK code in between, so before/after differ only by what the kernel does; the C
 * baseline (native/syscall.c) issues the identical sequence.
 */
import { measure } from 'mitata';
import type { Kit } from '../kit.js';
import { buildFilterSet, type FilterSetName } from './profiles.js';

export interface SyscallParams {
  /** Filter sets to load in order; empty for the no-filter control. */
  profiles: FilterSetName[];
  /** Call lockdown() with the runtime's own preset instead of loading `profiles`. */
  lockdown?: { readOnlyFs: boolean };
  /** A small file to read. */
  file: string;
  minCpuMs: number;
  /** Measurements of each call per phase, alternating getppid and read; the fastest is kept. */
  rounds: number;
}

const AT_FDCWD = -100;

const O_RDONLY_CLOEXEC = 0o2000000;
const BUFFER = 4096; // large enough to live outside the JS heap, so its address is stable

export async function syscallScenario(kit: Kit, params: SyscallParams) {
  const { seccomp, resolveSyscall, nativeArch } = kit.sdk;
  const arch = nativeArch();
  const lib = kit.sdk.nativeOf(seccomp).lib; // libseccomp and libc, opened before anything is timed
  const sys = lib.symbols.syscall;
  const nr = (name: string) => resolveSyscall(name, arch);
  const [GETPPID, OPENAT, READ, CLOSE] = [nr('getppid'), nr('openat'), nr('read'), nr('close')];

  const path = new Uint8Array(BUFFER);
  path.set(new TextEncoder().encode(`${params.file}\0`));
  const buf = new Uint8Array(BUFFER);
  const pathAddr = Number(lib.addressOf(path));
  const bufAddr = Number(lib.addressOf(buf));

  const getppid = () => sys(GETPPID, 0, 0, 0, 0, 0, 0);
  const readFile = () => {
    const fd = Number(sys(OPENAT, AT_FDCWD, pathAddr, O_RDONLY_CLOEXEC, 0, 0, 0));
    sys(READ, fd, bufAddr, BUFFER, 0, 0, 0);
    sys(CLOSE, fd, 0, 0, 0, 0, 0);
    return fd;
  };
  // Also keeps `path` and `buf` reachable until the last check: only their addresses are
  // passed to the kernel, and a collected buffer's memory is reused (seen in Bun).
  const check = (when: string) => {
    if (Number(getppid()) <= 0) throw new Error(`getppid failed ${when}`);
    buf.fill(0);
    const fd = readFile();
    if (fd < 0) throw new Error(`openat(${params.file}) failed ${when}: ${fd}, errno ${lib.errno()}`);
    if (buf[0] !== 0x78 || path[0] !== 0x2f) throw new Error(`the file was not read ${when}`);
  };
  const opts = { min_cpu_time: params.minCpuMs * 1e6 };
  // Alternating rounds, so a slow moment of the machine hits both calls alike; the fastest
  // sample is kept, since other work on the machine only ever adds time (as in native/syscall.c).
  const time = async () => {
    const g: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < params.rounds; i++) {
      g.push((await measure(getppid, opts)).min);
      r.push((await measure(readFile, opts)).min);
    }
    return { getppid: Math.min(...g), read: Math.min(...r) };
  };

  check('before loading');
  const before = await time();
  if (params.lockdown) {
    seccomp.lockdown({ readOnlyFs: params.lockdown.readOnlyFs });
  } else {
    const profiles = params.profiles.flatMap((name) => buildFilterSet(kit.sdk, name));
    for (const profile of profiles) seccomp.loadProfile(profile, { via: 'libseccomp' });
  }
  check('after loading');
  const after = await time();
  check('at the end');
  // Seccomp_filters of the least-filtered thread: shows the stack reached every thread.
  const threads = seccomp.status().threads;
  return { before, after, threads: threads.length, filters: Math.min(...threads.map((t) => t.filters ?? 0)) };
}
