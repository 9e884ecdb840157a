// What a normal process does to itself must keep working after lockdown — signals to its own
// pid, its own scheduling priority, CPU affinity and resource limits — while the same calls
// aimed at another process (the test runner, left exactly as it was) are refused.
// The same app on every runtime (node:os and node:process exist on all three); affinity and
// limits have no JavaScript API, so they go through the SDK's rawSyscall: they are what
// glibc's sched_setaffinity and getrlimit/setrlimit do for libraries and runtimes.
import { once } from 'node:events';
import os from 'node:os';
import process from 'node:process';
import { check, errnoError, parentPid, runApp } from './child.mjs';

const RLIMIT_NOFILE = 7;
const MASK_BYTES = 128;

/** A siginfo_t as sigqueue(3) fills it: si_code SI_QUEUE (-1), which the kernel accepts for any target. */
function queuedSiginfo() {
  const info = new Uint8Array(128);
  new DataView(info.buffer).setInt32(8, -1, true);
  return info;
}

export async function runSelfApp({ seccomp, probes, extraChecks = async () => {} }) {
  function sys(name, ...args) {
    const r = seccomp.rawSyscall(name, ...args);
    if (r.ret < 0) throw errnoError(name, r.errno, seccomp.errnoName);
    return r.ret;
  }

  /** The CPU mask of `pid` (0: the calling thread). */
  function affinity(pid) {
    const mask = new Uint8Array(MASK_BYTES);
    sys('sched_getaffinity', pid, MASK_BYTES, mask);
    return mask;
  }

  /** The RLIMIT_NOFILE soft and hard limits of `pid` (0: this process), as 16 bytes. */
  function nofile(pid) {
    const limits = new Uint8Array(16);
    sys('prlimit64', pid, RLIMIT_NOFILE, null, limits);
    return limits;
  }

  await runApp({
    seccomp,
    // Each call aimed at the test runner sets what is already there: allowed before lockdown only.
    probes: ({ parent }) => ({
      ...probes,
      'setpriority on another process': () => os.setPriority(parentPid, parent.priority),
      'sched_setaffinity on another process': () => sys('sched_setaffinity', parentPid, MASK_BYTES, parent.mask),
      'prlimit64 on another process': () => nofile(parentPid),
      // Signal 0: permission checks only. Every way of naming a target must refuse another process.
      'tgkill another process': () => sys('tgkill', parentPid, parentPid, 0),
      'tkill another process': () => sys('tkill', parentPid, 0),
      'rt_sigqueueinfo another process': () => sys('rt_sigqueueinfo', parentPid, 0, queuedSiginfo()),
      'rt_tgsigqueueinfo another process': () => sys('rt_tgsigqueueinfo', parentPid, parentPid, 0, queuedSiginfo()),
    }),
    setup() {
      return { parent: { priority: os.getPriority(parentPid), mask: affinity(parentPid) } };
    },
    async exercise() {
      await check('process.kill(process.pid, 0)', () => process.kill(process.pid, 0));
      await check('process.kill(process.pid, "SIGUSR2") reaches its handler', async () => {
        const received = once(process, 'SIGUSR2');
        process.kill(process.pid, 'SIGUSR2');
        await received;
      });
      await extraChecks();
      // The other ways a runtime signals itself (Node re-raises fatal signals with tgkill).
      await check('tgkill to its own main thread, signal 0 (raw syscall)', () => sys('tgkill', process.pid, process.pid, 0));
      await check('tkill to its own main thread, signal 0 (raw syscall)', () => sys('tkill', process.pid, 0));
      await check('rt_sigqueueinfo to itself, signal 0 (raw syscall)', () => sys('rt_sigqueueinfo', process.pid, 0, queuedSiginfo()));
      await check('rt_tgsigqueueinfo to itself, signal 0 (raw syscall)', () => sys('rt_tgsigqueueinfo', process.pid, process.pid, 0, queuedSiginfo()));
      await check('os.getPriority()', () => ({ priority: os.getPriority() }));
      await check('os.setPriority(os.getPriority())', () => os.setPriority(os.getPriority()));
      await check('os.setPriority(process.pid, its priority)', () => os.setPriority(process.pid, os.getPriority(process.pid)));
      await check('sched_setaffinity on itself (raw syscall)', () => {
        sys('sched_setaffinity', 0, MASK_BYTES, affinity(0));
        sys('sched_setaffinity', process.pid, MASK_BYTES, affinity(process.pid));
      });
      await check('prlimit64 get and set on itself (raw syscall)', () => {
        const limits = nofile(0);
        sys('prlimit64', 0, RLIMIT_NOFILE, limits, null);
        nofile(process.pid);
      });
    },
  });
}
