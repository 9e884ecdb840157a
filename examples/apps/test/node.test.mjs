// The Node apps, each run without lockdown, with lockdown() and with readOnlyFs.
import { appSuite, SIGNAL_EXIT } from '../lib/parent.mjs';

appSuite('node', [
  ['node/express.mjs'],
  ['node/fastify.mjs'],
  ['node/hono.mjs'],
  ['node/ws.mjs'],
  ['node/undici.mjs'],
  ['node/pino.mjs'],
  ['node/signal-exit.mjs', SIGNAL_EXIT],
  ['node/tls.mjs'],
  ['node/zlib.mjs'],
  ['node/workers.mjs'],
  ['node/dns.mjs'],
  ['node/fs-watch.mjs'],
  ['node/wasm.mjs'],
  ['node/dynamic-import.mjs'],
  ['node/self.mjs'],
]);
