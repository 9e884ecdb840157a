// ws: a WebSocket server on node:http with permessage-deflate (zlib on the thread pool), a
// client connected before lockdown that keeps talking, and new clients after it.
import { once } from 'node:events';
import { createServer } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

/** Sends one message and resolves with the next one received. */
async function roundTrip(socket, data) {
  const reply = once(socket, 'message');
  socket.send(data);
  const [message, isBinary] = await reply;
  return isBinary ? message : message.toString();
}

async function connect(url, options) {
  const socket = new WebSocket(url, options);
  await once(socket, 'open');
  return socket;
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const server = createServer();
    const wss = new WebSocketServer({ server, perMessageDeflate: { threshold: 0 } });
    wss.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${server.address().port}`;
    const early = await connect(url);
    return {
      url,
      early,
      close: () => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close();
      },
    };
  },
  async exercise({ url, early }) {
    await check('client connected before lockdown still talks', async () => {
      if ((await roundTrip(early, 'early')) !== 'early') throw new Error('wrong echo');
    });
    await check('new client after lockdown', async () => {
      const socket = await connect(url, { perMessageDeflate: false });
      const reply = await roundTrip(socket, 'hello');
      socket.close();
      if (reply !== 'hello') throw new Error(`got ${reply}`);
    });
    await check('compressed (permessage-deflate) messages', async () => {
      const socket = await connect(url);
      const big = 'x'.repeat(100_000);
      const reply = await roundTrip(socket, big);
      const negotiated = socket.extensions;
      socket.close();
      if (reply !== big || !negotiated.includes('permessage-deflate')) throw new Error(`extensions ${negotiated}`);
    });
    await check('binary message and a clean close', async () => {
      const socket = await connect(url, { perMessageDeflate: false });
      const reply = await roundTrip(socket, Buffer.from([1, 2, 3]));
      socket.close(1000, 'bye');
      const [code] = await once(socket, 'close');
      if (!Buffer.isBuffer(reply) || reply.length !== 3 || code !== 1000) throw new Error(`close code ${code}`);
    });
  },
});
