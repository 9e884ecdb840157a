// Deno.serve: JSON routes, a streamed body, a file read per request, a WebSocket upgraded by
// Deno.upgradeWebSocket with a client after lockdown, and a second server started after it.
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.ts';

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.onopen = () => resolve(socket);
    socket.onerror = () => reject(new Error('WebSocket error'));
  });
}

function handler(req: Request): Response | Promise<Response> {
  const url = new URL(req.url);
  switch (url.pathname) {
    case '/hello':
      return Response.json({ message: `hello ${url.searchParams.get('name')}` });
    case '/echo':
      return req.json().then((body) => Response.json(body));
    case '/stream': {
      let i = 0;
      const body = new ReadableStream({
        pull(controller) {
          if (i < 5) controller.enqueue(new TextEncoder().encode(`chunk${i++};`));
          else controller.close();
        },
      });
      return new Response(body);
    }
    case '/file':
      return Deno.readTextFile(new URL('../fixtures/late-module.mjs', import.meta.url)).then((text) => new Response(text));
    case '/ws': {
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onmessage = (e) => socket.send(e.data);
      return response;
    }
    default:
      return new Response('not found', { status: 404 });
  }
}

await runApp({
  seccomp,
  probes,
  setup() {
    const server = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, handler);
    return { base: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
  },
  async exercise({ base }) {
    await check('GET JSON', async () => {
      const body = await (await fetch(`${base}/hello?name=deno`)).json();
      if (body.message !== 'hello deno') throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('POST JSON echo', async () => {
      const body = await (await fetch(`${base}/echo`, { method: 'POST', body: JSON.stringify({ a: [1, 2] }) })).json();
      if (body.a?.[1] !== 2) throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('streamed response', async () => {
      const text = await (await fetch(`${base}/stream`)).text();
      if (text !== 'chunk0;chunk1;chunk2;chunk3;chunk4;') throw new Error(`got ${text}`);
    });
    await check('Deno.readTextFile per request', async () => {
      const text = await (await fetch(`${base}/file`)).text();
      if (!text.includes('export')) throw new Error('wrong file');
    });
    await check('WebSocket (Deno.upgradeWebSocket) after lockdown', async () => {
      const socket = await open(`${base.replace('http', 'ws')}/ws`);
      const reply = new Promise((resolve) => (socket.onmessage = (e) => resolve(e.data)));
      socket.send('hello');
      const got = await reply;
      socket.close();
      if (got !== 'hello') throw new Error(`got ${got}`);
    });
    await check('a second Deno.serve started after lockdown', async () => {
      const late = Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () => new Response('late'));
      const text = await (await fetch(`http://127.0.0.1:${late.addr.port}/`)).text();
      await late.shutdown();
      if (text !== 'late') throw new Error(`got ${text}`);
    });
  },
});
