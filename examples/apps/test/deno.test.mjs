// The Deno apps, each run without lockdown, with lockdown() and with readOnlyFs.
import { appSuite, SIGNAL_EXIT } from '../lib/parent.mjs';

appSuite('deno', [
  ['deno/serve.ts'],
  ['deno/kv.ts'],
  ['deno/express.ts'],
  ['deno/signal-exit.ts', SIGNAL_EXIT],
  ['deno/self.ts'],
]);
