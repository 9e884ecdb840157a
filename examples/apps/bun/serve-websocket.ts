// Bun.serve with WebSockets: HTTP routes, a file served with Bun.file, a WebSocket client
// connected before lockdown that keeps talking, new clients after it, pub/sub, and
// permessage-deflate on large messages.
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.ts';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve(socket);
    socket.onerror = (e) => reject(new Error(`WebSocket error ${(e as ErrorEvent).message ?? ''}`));
  });
}

function next(socket: WebSocket): Promise<string> {
  return new Promise((resolve) => socket.addEventListener('message', (e) => resolve(String(e.data)), { once: true }));
}

async function roundTrip(socket: WebSocket, data: string): Promise<string> {
  const reply = next(socket);
  socket.send(data);
  return reply;
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(req, server) {
        const url = new URL(req.url);
        if (url.pathname === '/ws') return server.upgrade(req) ? undefined : new Response('upgrade failed', { status: 400 });
        if (url.pathname === '/hello') return Response.json({ message: `hello ${url.searchParams.get('name')}` });
        if (url.pathname === '/file') return new Response(Bun.file(new URL('../fixtures/late-module.mjs', import.meta.url)));
        return new Response('not found', { status: 404 });
      },
      websocket: {
        perMessageDeflate: true,
        open(ws) {
          ws.subscribe('room');
        },
        message(ws, message) {
          if (message === 'broadcast') server.publish('room', 'to everyone');
          else ws.send(message);
        },
      },
    });
    const wsUrl = `ws://127.0.0.1:${server.port}/ws`;
    const early = await open(wsUrl);
    return { base: `http://127.0.0.1:${server.port}`, wsUrl, early, close: () => server.stop(true) };
  },
  async exercise({ base, wsUrl, early }) {
    await check('HTTP GET JSON', async () => {
      const body = await (await fetch(`${base}/hello?name=bun`)).json();
      if (body.message !== 'hello bun') throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('Bun.file response', async () => {
      const text = await (await fetch(`${base}/file`)).text();
      if (!text.includes('export')) throw new Error('wrong file');
    });
    await check('WebSocket connected before lockdown still talks', async () => {
      if ((await roundTrip(early, 'early')) !== 'early') throw new Error('wrong echo');
    });
    await check('new WebSocket client after lockdown', async () => {
      const socket = await open(wsUrl);
      const reply = await roundTrip(socket, 'hello');
      socket.close();
      if (reply !== 'hello') throw new Error(`got ${reply}`);
    });
    await check('pub/sub reaches every subscriber', async () => {
      const other = await open(wsUrl);
      const got = Promise.all([next(early), next(other)]);
      other.send('broadcast');
      const replies = await got;
      other.close();
      if (replies.some((r) => r !== 'to everyone')) throw new Error(`got ${replies}`);
    });
    await check('large compressed message', async () => {
      const socket = await open(wsUrl);
      const big = 'y'.repeat(200_000);
      const reply = await roundTrip(socket, big);
      socket.close();
      if (reply !== big) throw new Error('wrong echo');
      return { extensions: socket.extensions };
    });
  },
});
