// zlib: gzip and brotli responses compressed on the thread pool after lockdown (the client,
// fetch, decompresses them), and the synchronous and streaming APIs.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

const BODY = JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ i, name: `item ${i}` })) });

await runApp({
  seccomp,
  probes,
  async setup() {
    const server = createServer(async (req, res) => {
      if (req.url === '/gzip') {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' });
        res.end(await promisify(zlib.gzip)(BODY));
      } else {
        res.writeHead(200, { 'content-encoding': 'br', 'content-type': 'application/json' });
        await pipeline(Readable.from([BODY]), zlib.createBrotliCompress(), res);
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
  },
  async exercise({ base }) {
    await check('gzip response (zlib.gzip on the thread pool)', async () => {
      const res = await fetch(`${base}/gzip`);
      if ((await res.text()) !== BODY) throw new Error('body differs');
    });
    await check('brotli response (stream pipeline)', async () => {
      const res = await fetch(`${base}/br`);
      if ((await res.text()) !== BODY) throw new Error('body differs');
    });
    await check('gzipSync / gunzipSync and deflate', async () => {
      const back = zlib.gunzipSync(zlib.gzipSync(BODY)).toString();
      const inflated = (await promisify(zlib.inflate)(await promisify(zlib.deflate)(BODY))).toString();
      if (back !== BODY || inflated !== BODY) throw new Error('round trip differs');
      return { ratio: +(zlib.gzipSync(BODY).length / BODY.length).toFixed(3) };
    });
  },
});
