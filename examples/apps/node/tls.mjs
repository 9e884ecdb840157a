// TLS: an https server and clients after lockdown — handshakes, an HTTP/1.1 request over
// https, a raw tls.connect, and node:crypto signing with the server's key. The key and
// certificate are a committed test fixture (fixtures/tls-test-*.pem), read before lockdown:
// generating one with openssl afterwards would be an exec.
import { once } from 'node:events';
import { createSign, createVerify, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:https';
import { connect } from 'node:tls';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

const fixture = (name) => readFileSync(new URL(`../fixtures/${name}`, import.meta.url));

function get(port, path, ca) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca, servername: 'localhost' }, async (res) => {
      const protocol = res.socket.getProtocol();
      let body = '';
      for await (const chunk of res) body += chunk;
      resolve({ status: res.statusCode, body, protocol });
    });
    req.on('error', reject).end();
  });
}

await runApp({
  seccomp,
  probes,
  async setup() {
    const key = fixture('tls-test-key.pem');
    const cert = fixture('tls-test-cert.pem');
    const server = createServer({ key, cert }, (req, res) => res.end(`secure ${req.url}`));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { key, cert, port: server.address().port, close: () => server.close() };
  },
  async exercise({ key, cert, port }) {
    await check('https request with certificate verification', async () => {
      const res = await get(port, '/one', cert);
      if (res.status !== 200 || res.body !== 'secure /one') throw new Error(`got ${res.status} ${res.body}`);
      return { protocol: res.protocol };
    });
    await check('tls.connect sees the server certificate', async () => {
      const socket = connect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost' });
      await once(socket, 'secureConnect');
      const subject = socket.getPeerCertificate().subject.CN;
      socket.end();
      if (subject !== 'localhost') throw new Error(`CN ${subject}`);
    });
    await check('an untrusted certificate is rejected', async () => {
      const err = await get(port, '/two', undefined).then(
        () => null,
        (e) => e,
      );
      if (err?.code !== 'DEPTH_ZERO_SELF_SIGNED_CERT') throw new Error(`got ${err?.code ?? 'success'}`);
    });
    await check('sign and verify with node:crypto and Web Crypto', async () => {
      const signature = createSign('sha256').update('data').sign(key);
      if (!createVerify('sha256').update('data').verify(cert, signature)) throw new Error('bad signature');
      const digest = await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode('data'));
      if (digest.byteLength !== 32) throw new Error('bad digest');
    });
  },
});
