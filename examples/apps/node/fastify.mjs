// Fastify 5: routes with JSON-schema validation and response serialisation (compiled code),
// a 400 from the validator, and light-my-request's inject() — all after lockdown.
import Fastify from 'fastify';
import { check, runApp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

await runApp({
  seccomp,
  probes,
  async setup() {
    const app = Fastify({ logger: false });
    app.get('/hello', { schema: { querystring: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } } }, async (req) => ({
      message: `hello ${req.query.name}`,
    }));
    app.post(
      '/sum',
      {
        schema: {
          body: { type: 'object', properties: { values: { type: 'array', items: { type: 'number' } } }, required: ['values'] },
          response: { 200: { type: 'object', properties: { sum: { type: 'number' } } } },
        },
      },
      async (req) => ({ sum: req.body.values.reduce((a, b) => a + b, 0), dropped: 'by the response schema' }),
    );
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, base: address, close: () => app.close() };
  },
  async exercise({ app, base }) {
    await check('GET with a validated query', async () => {
      const body = await (await fetch(`${base}/hello?name=fastify`)).json();
      if (body.message !== 'hello fastify') throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('POST body validated and response serialised', async () => {
      const res = await fetch(`${base}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ values: [4, 5] }) });
      const body = await res.json();
      if (body.sum !== 9 || 'dropped' in body) throw new Error(`got ${JSON.stringify(body)}`);
    });
    await check('invalid body gets 400', async () => {
      const res = await fetch(`${base}/sum`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"values":"no"}' });
      if (res.status !== 400) throw new Error(`status ${res.status}`);
    });
    await check('inject() without a socket', async () => {
      const res = await app.inject({ method: 'GET', url: '/hello?name=inject' });
      if (res.json().message !== 'hello inject') throw new Error(res.body);
    });
  },
});
