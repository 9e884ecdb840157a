// What a normal process does to itself must keep working after lockdown — signals to its own
// pid, its own scheduling priority, CPU affinity and resource limits — while the same calls
// aimed at another process (the test runner, left exactly as it was) are refused.
// Node has no API for affinity or limits, so those go through the SDK's rawSyscall: they are
// what glibc's getrlimit/setrlimit and sched_setaffinity do for libraries and runtimes.
import { once } from 'node:events';
import os from 'node:os';
import { check, errnoError, parentPid, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

const RLIMIT_NOFILE = 7;
const MASK_BYTES = 128;

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

/** Each call aimed at the test runner, set to what it already is: allowed before lockdown only. */
function otherProcessProbes(parent) {
  return {
    'setpriority on another process': () => os.setPriority(parentPid, parent.priority),
    'sched_setaffinity on another process': () => sys('sched_setaffinity', parentPid, MASK_BYTES, parent.mask),
    'prlimit64 on another process': () => nofile(parentPid),
  };
}

await runApp({
  seccomp,
  probes: ({ parent }) => ({ ...probes, ...otherProcessProbes(parent) }),
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
