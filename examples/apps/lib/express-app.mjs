// Express 5 after lockdown, the same app on every runtime: JSON in and out, the error
// middleware and, where the caller gives a directory, express.static reading a file per
// request. Each runtime's file imports express its own way (Deno: npm:express) and passes it.
import { once } from 'node:events';
import { check, runApp } from './child.mjs';

export async function runExpressApp({ seccomp, probes, express, staticDir }) {
  await runApp({
    seccomp,
    probes,
    async setup() {
      const app = express();
      app.use(express.json());
      app.get('/hello', (req, res) => res.json({ message: `hello ${req.query.name}` }));
      app.post('/sum', (req, res) => res.json({ sum: req.body.values.reduce((a, b) => a + b, 0) }));
      if (staticDir) app.use('/static', express.static(staticDir));
      app.get('/boom', () => {
        throw new Error('boom');
      });
      app.use((err, req, res, _next) => res.status(500).json({ error: err.message }));
      const server = app.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
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
      if (staticDir) {
        await check('express.static reads a file', async () => {
          const res = await fetch(`${base}/static/late-module.mjs`);
          const text = await res.text();
          if (res.status !== 200 || !text.includes('export')) throw new Error(`status ${res.status}`);
          return { bytes: text.length };
        });
      }
      await check('error middleware answers 500', async () => {
        const res = await fetch(`${base}/boom`);
        if (res.status !== 500 || (await res.json()).error !== 'boom') throw new Error(`status ${res.status}`);
      });
    },
  });
}
