// Deno's measuring server: Deno.serve, plus a node:http server on a second port. Prints the
// marker where a service would call lockdown().
import { createServer } from 'node:http';
import { handle, MARKER } from './workload.mjs';

const { status } = await import(Deno.args[0]);
const quit = () => Deno.exit(0);
const answer = async (path, body, port) => (path === '/quit' ? quit() : path === '/status' ? JSON.stringify(status().allFiltered) : handle(path, body, port));
let port = 0;
const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: () => {} }, async (req) => {
  const out = await answer(new URL(req.url).pathname, await req.text(), port);
  return new Response(out ?? 'no', { status: out === undefined ? 404 : 200 });
});
port = server.addr.port;
const compat = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    const out = await answer(new URL(req.url, 'http://x').pathname, body, port);
    res.writeHead(out === undefined ? 404 : 200).end(out ?? 'no');
  });
});
compat.listen(0, '127.0.0.1', () => {
  Deno.stdout.writeSync(new TextEncoder().encode(`${MARKER} ${port} ${compat.address().port}\n`));
});
