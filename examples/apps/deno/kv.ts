// Deno KV: an in-memory store opened after lockdown, and a store file opened before it that
// keeps taking writes (also under readOnlyFs: the descriptors are already open) — set, get,
// list, atomic check-and-set and a queue.
import { check, runApp, tmp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.ts';

async function exercise(kv: Deno.Kv, label: string) {
  await check(`${label}: set, get, list`, async () => {
    for (let i = 0; i < 20; i++) await kv.set(['item', i], { i });
    const one = await kv.get<{ i: number }>(['item', 7]);
    const all = await Array.fromAsync(kv.list({ prefix: ['item'] }));
    if (one.value?.i !== 7 || all.length !== 20) throw new Error(`got ${one.value?.i}, ${all.length}`);
  });
  await check(`${label}: atomic check-and-set`, async () => {
    const entry = await kv.get(['counter']);
    const ok = await kv.atomic().check(entry).sum(['counter'], 5n).commit();
    const stale = await kv.atomic().check(entry).sum(['counter'], 5n).commit();
    if (!ok.ok || stale.ok) throw new Error(`first ${ok.ok}, stale ${stale.ok}`);
  });
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const file = await Deno.openKv(`${tmp}/app.kv`);
    await file.set(['opened'], 'before lockdown');
    return { file, close: () => file.close() };
  },
  async exercise({ file }) {
    await check('open an in-memory store after lockdown', async () => {
      const memory = await Deno.openKv(':memory:');
      await exercise(memory, 'in-memory');
      await check('in-memory: enqueue and listenQueue', async () => {
        const received = new Promise((resolve) => memory.listenQueue((msg) => resolve(msg)));
        await memory.enqueue({ job: 1 });
        const msg = (await received) as { job: number };
        if (msg.job !== 1) throw new Error(`got ${JSON.stringify(msg)}`);
      });
      memory.close();
    });
    await exercise(file, 'file opened before lockdown');
  },
});
