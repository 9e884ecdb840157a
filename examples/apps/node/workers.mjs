// worker_threads: a worker started before lockdown keeps working, new workers start after it
// (new threads: clone with CLONE_THREAD), share memory with Atomics, and terminate.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

// Squares what it is sent; with a SharedArrayBuffer, adds to it and wakes the sender.
const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m instanceof SharedArrayBuffer) {
    const view = new Int32Array(m);
    Atomics.add(view, 0, 41);
    Atomics.notify(view, 0);
  } else {
    parentPort.postMessage(m * m);
  }
});`;

async function ask(worker, value) {
  const reply = once(worker, 'message');
  worker.postMessage(value);
  return (await reply)[0];
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const early = new Worker(WORKER, { eval: true });
    await ask(early, 2);
    return { early, close: () => early.terminate() };
  },
  async exercise({ early }) {
    await check('worker started before lockdown', async () => {
      if ((await ask(early, 7)) !== 49) throw new Error('wrong answer');
    });
    await check('new worker after lockdown', async () => {
      const worker = new Worker(WORKER, { eval: true });
      const answer = await ask(worker, 9);
      await worker.terminate();
      if (answer !== 81) throw new Error(`got ${answer}`);
    });
    await check('four workers at once, SharedArrayBuffer and Atomics', async () => {
      const shared = new SharedArrayBuffer(4);
      const view = new Int32Array(shared);
      view[0] = 1;
      const workers = Array.from({ length: 4 }, () => new Worker(WORKER, { eval: true }));
      await Promise.all(workers.map((w) => once(w, 'online')));
      for (const w of workers) w.postMessage(shared);
      while (Atomics.load(view, 0) !== 1 + 4 * 41) await Atomics.waitAsync(view, 0, Atomics.load(view, 0), 1000).value;
      await Promise.all(workers.map((w) => w.terminate()));
      return { value: view[0] };
    });
  },
});
