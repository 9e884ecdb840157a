// The Node apps, each run without lockdown, with lockdown() and with readOnlyFs.
import { appSuite } from '../lib/parent.mjs';

appSuite('node', [
  ['node/express.mjs'],
  ['node/fastify.mjs'],
  ['node/hono.mjs'],
  ['node/ws.mjs'],
  ['node/undici.mjs'],
  ['node/pino.mjs'],
  [
    'node/signal-exit.mjs',
    {
      signalOnDone: 'SIGTERM',
      expectSignal: 'SIGTERM',
      async assert(t, run) {
        await t.test('the onExit handler ran for SIGTERM', () => {
          const handler = run.records.find((r) => r['@'] === 'exit-handler');
          if (handler?.signal !== 'SIGTERM') throw new Error(`handler saw ${JSON.stringify(handler)}`);
        });
      },
    },
  ],
  ['node/tls.mjs'],
  ['node/zlib.mjs'],
  ['node/workers.mjs'],
  ['node/dns.mjs'],
  ['node/fs-watch.mjs'],
  ['node/wasm.mjs'],
  ['node/dynamic-import.mjs'],
  ['node/self.mjs'],
]);
