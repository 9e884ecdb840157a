// undici as an HTTP client: request(), fetch(), a keep-alive Pool under concurrency and a
// streamed upload, against a node:http server in the same process.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { Agent, Pool, fetch, request } from 'undici';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

await runApp({
  seccomp,
  probes,
  async setup() {
    const server = createServer(async (req, res) => {
      let bytes = 0;
      for await (const chunk of req) bytes += chunk.length;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ method: req.method, url: req.url, bytes }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${server.address().port}`;
    const pool = new Pool(base, { connections: 4 });
    const agent = new Agent();
    // One request before lockdown, so the pool holds live keep-alive sockets when it comes.
    await (await pool.request({ path: '/warm', method: 'GET' })).body.json();
    return {
      base,
      pool,
      agent,
      close: async () => {
        await pool.close();
        await agent.close();
        server.close();
      },
    };
  },
  async exercise({ base, pool, agent }) {
    await check('request()', async () => {
      const { statusCode, body } = await request(`${base}/a`, { dispatcher: agent });
      const json = await body.json();
      if (statusCode !== 200 || json.url !== '/a') throw new Error(`got ${statusCode}`);
    });
    await check('fetch() POST', async () => {
      const res = await fetch(`${base}/b`, { method: 'POST', body: 'x'.repeat(1000), dispatcher: agent });
      const json = await res.json();
      if (json.bytes !== 1000) throw new Error(`got ${JSON.stringify(json)}`);
    });
    await check('keep-alive Pool, 50 concurrent requests', async () => {
      const all = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.request({ path: `/p${i}`, method: 'GET' }).then((r) => r.body.json())));
      if (all.some((j, i) => j.url !== `/p${i}`)) throw new Error('wrong answer');
    });
    await check('streamed request body', async () => {
      const body = Readable.from(Array.from({ length: 64 }, () => Buffer.alloc(1024)));
      const { body: res } = await pool.request({ path: '/upload', method: 'PUT', body });
      const json = await res.json();
      if (json.bytes !== 65_536) throw new Error(`got ${json.bytes}`);
    });
  },
});
