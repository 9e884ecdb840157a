// Name resolution after lockdown: dns.lookup (getaddrinfo on the thread pool, /etc/hosts and
// nsswitch), lookupService (getnameinfo), an HTTP request to "localhost", and c-ares' own
// resolver over UDP to a tiny DNS responder in this process.
import dgram from 'node:dgram';
import dns from 'node:dns';
import { once } from 'node:events';
import { createServer, get } from 'node:http';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

/** Answers every A question with 192.0.2.7 (a documentation address). */
function answer(query) {
  let end = 12;
  while (query[end] !== 0) end += query[end] + 1;
  const question = query.subarray(12, end + 5);
  const header = Buffer.from([query[0], query[1], 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]);
  const record = Buffer.from([0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]);
  return Buffer.concat([header, question, record]);
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const server = createServer((req, res) => res.end('via localhost'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const responder = dgram.createSocket('udp4');
    responder.on('message', (msg, rinfo) => responder.send(answer(msg), rinfo.port, rinfo.address));
    responder.bind(0, '127.0.0.1');
    await once(responder, 'listening');
    return {
      port: server.address().port,
      dnsPort: responder.address().port,
      close: () => {
        server.close();
        responder.close();
      },
    };
  },
  async exercise({ port, dnsPort }) {
    await check("dns.lookup('localhost')", async () => {
      const { address } = await dns.promises.lookup('localhost', { family: 4 });
      if (address !== '127.0.0.1') throw new Error(`got ${address}`);
      return { address };
    });
    await check("dns.lookup('localhost', { all: true }) with a callback", async () => {
      const all = await new Promise((resolve, reject) => dns.lookup('localhost', { all: true }, (err, a) => (err ? reject(err) : resolve(a))));
      if (!all.length) throw new Error('no addresses');
      return { addresses: all.map((a) => a.address) };
    });
    await check('dns.lookupService (getnameinfo)', async () => {
      const { hostname } = await dns.promises.lookupService('127.0.0.1', port);
      return { hostname };
    });
    await check('HTTP request to localhost', async () => {
      // family 4: the server listens on 127.0.0.1, and some hosts list ::1 first for localhost.
      const res = await new Promise((resolve, reject) => get({ host: 'localhost', port, family: 4 }, resolve).on('error', reject));
      let text = '';
      for await (const chunk of res) text += chunk;
      if (text !== 'via localhost') throw new Error(`got ${text}`);
    });
    await check('c-ares Resolver over UDP', async () => {
      const resolver = new dns.promises.Resolver({ timeout: 2000, tries: 1 });
      resolver.setServers([`127.0.0.1:${dnsPort}`]);
      const addresses = await resolver.resolve4('app.example');
      if (addresses[0] !== '192.0.2.7') throw new Error(`got ${addresses}`);
    });
  },
});
