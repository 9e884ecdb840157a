// Hono on @hono/node-server: Web-standard Request/Response handlers on node:http, JSON, a
// streamed response, and a second app listening on a new port after lockdown.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

function listen(app) {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(server));
  });
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const app = new Hono();
    app.get('/hello/:name', (c) => c.json({ message: `hello ${c.req.param('name')}` }));
    app.post('/echo', async (c) => c.json(await c.req.json()));
    app.get('/stream', (c) =>
      stream(c, async (s) => {
        for (let i = 0; i < 5; i++) await s.write(`chunk${i};`);
      }),
    );
    const server = await listen(app);
    return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
  },
  async exercise({ base }) {
    await check('GET with a path parameter', async () => {
      const body = await (await fetch(`${base}/hello/hono`)).json();
      if (body.message !== 'hello hono') throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('POST JSON echo', async () => {
      const body = await (await fetch(`${base}/echo`, { method: 'POST', body: JSON.stringify({ a: [1, 2] }) })).json();
      if (body.a?.[1] !== 2) throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('streamed response', async () => {
      const text = await (await fetch(`${base}/stream`)).text();
      if (text !== 'chunk0;chunk1;chunk2;chunk3;chunk4;') throw new Error(`got ${text}`);
    });
    await check('a second app and server started after lockdown', async () => {
      const late = new Hono().get('/', (c) => c.text('late'));
      const server = await listen(late);
      const text = await (await fetch(`http://127.0.0.1:${server.address().port}/`)).text();
      server.close();
      if (text !== 'late') throw new Error(`got ${text}`);
    });
  },
});
