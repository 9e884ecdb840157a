// Loading code after lockdown: import() of a local module and of a package this process has
// not loaded yet, a JSON module, and require() of CommonJS through createRequire.
import { createRequire } from 'node:module';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

await runApp({
  seccomp,
  probes,
  setup() {},
  async exercise() {
    await check('import() of a local module', async () => {
      const mod = await import('../fixtures/late-module.mjs');
      if (mod.add(2, 2) !== 4) throw new Error('wrong module');
      return { greeting: mod.greeting };
    });
    await check('import() of a package not loaded yet', async () => {
      const { Hono } = await import('hono');
      const app = new Hono().get('/', (c) => c.text('late'));
      const text = await (await app.request('/')).text();
      if (text !== 'late') throw new Error(`got ${text}`);
    });
    await check('import() of JSON with an import attribute', async () => {
      const { default: pkg } = await import('../package.json', { with: { type: 'json' } });
      return { name: pkg.name };
    });
    await check('require() of CommonJS via createRequire', () => {
      const require = createRequire(import.meta.url);
      const { parse } = require('../fixtures/late-cjs.cjs');
      if (parse('a=1').a !== '1') throw new Error('wrong module');
    });
  },
});
