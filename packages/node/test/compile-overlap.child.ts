// Builds profiles with libseccomp 2.5.4 one after another (a JSON array on stdin), for
// profiles the SDK's loop guard refuses: most of them build, some loop forever inside
// libseccomp, where JavaScript cannot interrupt the call. A watchdog thread kills this whole
// process when one build makes no progress; the parent then knows which profile looped (the
// last one started) and goes on with the rest in a new process. Lines go out with writeSync,
// so none is lost to the kill.
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { profileFromJSON, SyscallFilter, type Profile } from '../src/index.js';
import { ARCHES, nativeArch } from '@seccomp/core/internal';

/** libseccomp's native arch here: a filter starts with it. */
const NATIVE = nativeArch();

/** How long one build may take before it counts as looping. */
const STALL_MS = 400;

function build(profile: Profile): Uint8Array {
  const filter = new SyscallFilter(profile.defaultAction, { tsync: false });
  try {
    const arch = profile.arches![0]!;
    if (arch !== NATIVE) {
      if (ARCHES[arch].endian !== ARCHES[NATIVE].endian) filter.removeArch(NATIVE);
      filter.addArch(arch);
      if (filter.hasArch(NATIVE)) filter.removeArch(NATIVE);
    }
    for (const rl of profile.rules) for (const s of rl.syscalls) filter.addRule(rl.action, s, ...(rl.conditions ?? []));
    return filter.exportBpf();
  } finally {
    filter.release();
  }
}

const say = (x: unknown): void => {
  writeSync(1, `${JSON.stringify(x)}\n`);
};

const chunks: Buffer[] = [];
for await (const c of process.stdin) chunks.push(c as Buffer);
const profiles = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown[]).map((p) => profileFromJSON(p));

// progress[0]: builds started; the watchdog kills the process when it stops moving mid-build.
const progress = new Int32Array(new SharedArrayBuffer(8));
const watchdog = new Worker(
  `const { workerData: { progress, stall } } = require('node:worker_threads');
   let last = -1, since = Date.now();
   setInterval(() => {
     const now = Atomics.load(progress, 0), busy = Atomics.load(progress, 1);
     if (now !== last || !busy) { last = now; since = Date.now(); return; }
     if (Date.now() - since > stall) process.kill(process.pid, 'SIGKILL');
   }, 25);`,
  { eval: true, workerData: { progress, stall: STALL_MS } },
);
watchdog.unref();

profiles.forEach((profile, i) => {
  say({ i, started: true });
  Atomics.add(progress, 0, 1);
  Atomics.store(progress, 1, 1);
  try {
    say({ i, bpf: Buffer.from(build(profile)).toString('hex') });
  } catch (err) {
    say({ i, error: (err as Error).message });
  }
  Atomics.store(progress, 1, 0);
});
