// Bun's measuring server: Bun.serve, plus a node:http server on a second port (both are
// what Bun applications use). Prints the marker where a service would call lockdown().
import { createServer } from 'node:http';
import { writeSync } from 'node:fs';
import { handle, MARKER } from './workload.mjs';

const { status } = await import(process.argv[2]);
const quit = () => process.exit(0);
const answer = async (path, body, port) => (path === '/quit' ? quit() : path === '/status' ? JSON.stringify(status().allFiltered) : handle(path, body, port));
const server = Bun.serve({
  port: 0,
  hostname: '127.0.0.1',
  async fetch(req) {
    const out = await answer(new URL(req.url).pathname, await req.text(), server.port);
    return new Response(out ?? 'no', { status: out === undefined ? 404 : 200 });
  },
});
const compat = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    const out = await answer(new URL(req.url, 'http://x').pathname, body, server.port);
    res.writeHead(out === undefined ? 404 : 200).end(out ?? 'no');
  });
});
compat.listen(0, '127.0.0.1', () => writeSync(1, `${MARKER} ${server.port} ${compat.address().port}\n`));
