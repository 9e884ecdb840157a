// WebAssembly after lockdown: instantiate from bytes (V8 compiles and tiers up on its own
// threads, mapping code pages executable), a synchronous Module, memory growth, and
// compileStreaming from an HTTP response.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { check, runApp } from '../lib/child.mjs';
import { ADD_WASM } from '../lib/wasm.mjs';
import { probes, seccomp } from './probes.mjs';

await runApp({
  seccomp,
  probes,
  async setup() {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/wasm' });
      res.end(ADD_WASM);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${server.address().port}/add.wasm`, close: () => server.close() };
  },
  async exercise({ url }) {
    await check('WebAssembly.instantiate from bytes', async () => {
      const { instance } = await WebAssembly.instantiate(ADD_WASM);
      if (instance.exports.add(20, 22) !== 42) throw new Error('wrong sum');
    });
    await check('synchronous Module and Instance, a hot loop', () => {
      const { add } = new WebAssembly.Instance(new WebAssembly.Module(ADD_WASM)).exports;
      let total = 0;
      for (let i = 0; i < 1_000_000; i++) total = add(total, 1);
      if (total !== 1_000_000) throw new Error(`got ${total}`);
    });
    await check('memory.grow', async () => {
      const { instance } = await WebAssembly.instantiate(ADD_WASM);
      instance.exports.mem.grow(160); // 10 MiB more
      new Uint8Array(instance.exports.mem.buffer).fill(7);
      return { bytes: instance.exports.mem.buffer.byteLength };
    });
    await check('WebAssembly.compileStreaming(fetch(…))', async () => {
      const module = await WebAssembly.compileStreaming(fetch(url));
      const instance = await WebAssembly.instantiate(module);
      if (instance.exports.add(1, 2) !== 3) throw new Error('wrong sum');
    });
  },
});
