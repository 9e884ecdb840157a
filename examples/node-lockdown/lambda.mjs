// A Lambda-style wrapper on node:http: each request becomes an API-Gateway-like event for
// handler(event). The wrapper starts, listens, then locks the process down before the first
// event, so no handler code ever runs unlocked.
import { createServer } from 'node:http';
import { lockdown, status } from '@seccomp/node';

function toEvent(req, body) {
  const url = new URL(req.url, 'http://localhost');
  return {
    httpMethod: req.method,
    path: url.pathname,
    queryStringParameters: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body,
  };
}

/**
 * Serves `handler` on 127.0.0.1:`port` and calls lockdown(`options`) once listening (not at
 * all with `lockdown: false`). Resolves with the port and what lockdown() installed (or null).
 */
export function serveLambda(handler, { port = 0, lockdown: options = {} } = {}) {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', async () => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ locked: status().allFiltered }));
        return;
      }
      try {
        const out = await handler(toEvent(req, body));
        res.writeHead(out.statusCode, { 'content-type': 'application/json' }).end(out.body);
      } catch (err) {
        res.writeHead(500).end(JSON.stringify({ error: String(err) }));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      const result = options === false ? null : lockdown(options);
      resolve({ port: server.address().port, lockdown: result });
    });
  });
}
