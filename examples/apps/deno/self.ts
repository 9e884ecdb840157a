// Calls a process makes on itself (signals, priority, affinity, limits), allowed after
// lockdown, and the same calls on another process, refused: lib/self-app.mjs. Deno's own
// signal API is tried too.
import { check } from '../lib/child.mjs';
import { runSelfApp } from '../lib/self-app.mjs';
import { probes, seccomp } from './probes.ts';

await runSelfApp({
  seccomp,
  probes,
  async extraChecks() {
    await check('Deno.kill(Deno.pid, "SIGUSR1") reaches Deno.addSignalListener', async () => {
      const received = new Promise<void>((resolve) => {
        const listener = () => {
          Deno.removeSignalListener('SIGUSR1', listener);
          resolve();
        };
        Deno.addSignalListener('SIGUSR1', listener);
      });
      Deno.kill(Deno.pid, 'SIGUSR1');
      await received;
    });
  },
});
