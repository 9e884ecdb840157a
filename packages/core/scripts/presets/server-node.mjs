// Node's measuring server: node:http. Prints the port, then the marker at the point where a
// service would call lockdown(), then serves the workload.
import { createServer } from 'node:http';
import { writeSync } from 'node:fs';
import { handle, MARKER } from './workload.mjs';

const { status } = await import(process.argv[2]);
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', async () => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/quit') process.exit(0);
    const out = path === '/status' ? JSON.stringify(status().allFiltered) : await handle(path, body, server.address().port);
    res.writeHead(out === undefined ? 404 : 200).end(out ?? 'no');
  });
});
server.listen(0, '127.0.0.1', () => {
  writeSync(1, `${MARKER} ${server.address().port}\n`);
});
