// A local stand-in for the npm registry and JSR, so fresh projects can install the packed
// tarballs exactly as a user would type it (`npm install @seccomp/node`, `bun add`,
// `deno add npm:…`, `deno add jsr:…`, `npx`). Packages it holds are served from the tarballs
// (npm) or from a directory laid out like a `deno publish` upload (JSR); every other npm name
// is passed through to the real registry (koffi, typescript, …).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const UPSTREAM = 'https://registry.npmjs.org/';

/** @typedef {{ name: string, version: string }} Manifest */
/**
 * @param {{ npm: { manifest: Manifest, file: string }[], jsr?: import('./jsr-layout.mjs').JsrPackage }} held
 */
export async function startRegistry(held) {
  /** @type {Map<string, Buffer>} */
  const tarballs = new Map();
  /** @type {Map<string, object>} */
  const packuments = new Map();
  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(String(err?.stack ?? err));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/`;

  for (const { manifest, file } of held.npm) {
    const bytes = readFileSync(file);
    const key = `${String(manifest.name).replace('/', '-')}-${manifest.version}.tgz`;
    tarballs.set(key, bytes);
    const dist = {
      tarball: `${base}-/tarballs/${key}`,
      shasum: createHash('sha1').update(bytes).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
    };
    packuments.set(manifest.name, {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      versions: { [manifest.version]: { ...manifest, _id: `${manifest.name}@${manifest.version}`, dist } },
    });
  }

  /** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
  async function route(req, res) {
    const url = req.url ?? '/';
    const path = decodeURIComponent(new URL(url, base).pathname).slice(1);
    if (path.startsWith('-/tarballs/') && tarballs.has(path.slice('-/tarballs/'.length))) {
      return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(tarballs.get(path.slice('-/tarballs/'.length)));
    }
    if (path.startsWith('jsr/')) return serveJsr(path.slice(4), res);
    if (packuments.has(path)) return sendJson(res, packuments.get(path));
    // Anything else: the real registry's answer, as it is (its tarball URLs point there).
    const upstream = await fetch(new URL(url.slice(1), UPSTREAM), { headers: { accept: req.headers.accept ?? 'application/json' } });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  }

  /** JSR's layout: meta.json, <version>_meta.json (manifest with checksums), then the files. */
  /** @param {string} path @param {import('node:http').ServerResponse} res */
  function serveJsr(path, res) {
    const pkg = held.jsr;
    if (!pkg || !path.startsWith(`@${pkg.scope}/${pkg.name}/`)) return void res.writeHead(404).end();
    const prefix = `@${pkg.scope}/${pkg.name}/`;
    const rest = path.slice(prefix.length);
    if (rest === 'meta.json') {
      return sendJson(res, { scope: pkg.scope, name: pkg.name, latest: pkg.version, versions: { [pkg.version]: {} } });
    }
    if (rest === `${pkg.version}_meta.json`) {
      /** @type {Record<string, { size: number, checksum: string }>} */
      const manifest = {};
      for (const [file, bytes] of pkg.files) {
        manifest[`/${file}`] = { size: bytes.length, checksum: `sha256-${createHash('sha256').update(bytes).digest('hex')}` };
      }
      return sendJson(res, { manifest, exports: pkg.exports });
    }
    const file = rest.startsWith(`${pkg.version}/`) ? pkg.files.get(rest.slice(pkg.version.length + 1)) : undefined;
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end(file);
  }

  return {
    npmUrl: base,
    jsrUrl: `${base}jsr/`,
    /** @returns {Promise<void>} */
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** @param {import('node:http').ServerResponse} res @param {unknown} body */
function sendJson(res, body) {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
