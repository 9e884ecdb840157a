// Express 5 on Bun's node:http: JSON in and out and the error middleware after lockdown.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.ts';

await runApp({
  seccomp,
  probes,
  async setup() {
    const app = express();
    app.use(express.json());
    app.get('/hello', (req, res) => {
      res.json({ message: `hello ${req.query.name}` });
    });
    app.post('/sum', (req, res) => {
      res.json({ sum: (req.body.values as number[]).reduce((a, b) => a + b, 0) });
    });
    app.get('/boom', () => {
      throw new Error('boom');
    });
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(500).json({ error: err.message });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  },
  async exercise({ base }) {
    await check('GET JSON', async () => {
      const body = await (await fetch(`${base}/hello?name=express`)).json();
      if (body.message !== 'hello express') throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('POST JSON body', async () => {
      const res = await fetch(`${base}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ values: [1, 2, 3] }) });
      const body = await res.json();
      if (body.sum !== 6) throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('error middleware answers 500', async () => {
      const res = await fetch(`${base}/boom`);
      if (res.status !== 500) throw new Error(`status ${res.status}`);
    });
  },
});
