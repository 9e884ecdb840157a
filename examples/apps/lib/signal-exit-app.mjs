// signal-exit (under pino, write-file-atomic, execa and many more): its onExit handler runs on
// SIGTERM, then it re-raises the signal to its own process with process.kill(process.pid, sig)
// so the process ends BY the signal — which is what a supervisor (docker stop, Kubernetes)
// expects. The app serves until the parent, seeing "done", sends SIGTERM.
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { onExit } from 'signal-exit';
import { check, runApp } from './child.mjs';

export async function runSignalExitApp({ seccomp, probes }) {
  await runApp({
    seccomp,
    probes,
    async setup() {
      const server = createServer((req, res) => res.end('up'));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      onExit((code, signal) => {
        // Synchronous: the process is about to end.
        writeSync(1, `${JSON.stringify({ '@': 'exit-handler', code, signal })}\n`);
      });
      // The listening server keeps the process up until the signal comes.
      return { base: `http://127.0.0.1:${server.address().port}`, wait: true };
    },
    async exercise({ base }) {
      await check('serves while waiting for SIGTERM', async () => {
        if ((await (await fetch(base)).text()) !== 'up') throw new Error('wrong answer');
      });
    },
  });
}
