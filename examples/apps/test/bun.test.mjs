// The Bun apps, each run without lockdown, with lockdown() and with readOnlyFs.
import { appSuite, SIGNAL_EXIT } from '../lib/parent.mjs';

appSuite('bun', [
  ['bun/serve-websocket.ts'],
  ['bun/sqlite.ts'],
  ['bun/express.ts'],
  ['bun/signal-exit.ts', SIGNAL_EXIT],
  ['bun/self.ts'],
]);
