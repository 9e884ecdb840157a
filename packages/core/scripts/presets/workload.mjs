// The work a locked-down HTTP handler typically does after start-up, shared by the three
// measuring servers (server-*.mjs). Runs unchanged on Node, Bun and Deno: node:* modules,
// fetch and Web Crypto, plus each runtime's own file API.
import { readFileSync, promises as fsp, statSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { gzipSync, gzip } from 'node:zlib';
import { lookup } from 'node:dns/promises';
import { promisify } from 'node:util';

const FILE = new URL('./workload.mjs', import.meta.url).pathname;
const gzipAsync = promisify(gzip);

/** Reads a file through the runtime's own API as well as node:fs. */
async function readOwn() {
  if (typeof Bun !== 'undefined') return Bun.file(FILE).text();
  if (typeof Deno !== 'undefined') return Deno.readTextFile(FILE);
  return fsp.readFile(FILE, 'utf8');
}

export async function handle(path, body, port) {
  switch (path) {
    case '/':
      return 'ok';
    case '/json':
      return JSON.stringify({ echo: JSON.parse(body || '{}'), at: Date.now() });
    case '/file': {
      const [a, b] = await Promise.all([fsp.readFile(FILE, 'utf8'), readOwn()]);
      return String(readFileSync(FILE, 'utf8').length + a.length + b.length + statSync(FILE).size + (await fsp.stat(FILE)).size);
    }
    case '/crypto': {
      const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(randomUUID()));
      return createHash('sha256').update(new Uint8Array(digest)).digest('hex') + crypto.getRandomValues(new Uint8Array(8)).join('');
    }
    case '/gzip': {
      const text = 'x'.repeat(100_000);
      return String(gzipSync(text).length + (await gzipAsync(text)).length);
    }
    case '/fetch': {
      const a = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      const b = await (await fetch(`http://localhost:${port}/`)).text();
      return a + b;
    }
    case '/dns':
      return JSON.stringify(await lookup('localhost', { all: true }));
    case '/timer':
      await new Promise((r) => setTimeout(r, 5));
      return 'late';
    case '/alloc': {
      // Enough garbage for the collector to run and to map and unmap heap pages.
      let keep = 0;
      for (let i = 0; i < 40; i++) keep += new Array(250_000).fill(i).length;
      return String(keep);
    }
    case '/big':
      return 'y'.repeat(1 << 20);
    default:
      return undefined;
  }
}

export const ROUTES = ['/', '/json', '/file', '/crypto', '/gzip', '/fetch', '/dns', '/timer', '/alloc', '/big', '/status'];
export const MARKER = '@@LOCKDOWN-POINT@@';
