// pino: logging to stdout and to a file opened before lockdown (sonic-boom, asynchronous
// writes), child loggers, and a pino.transport started after lockdown — a worker thread that
// writes to a descriptor the process already holds.
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import pino from 'pino';
import { check, runApp, tmp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

const lines = (path) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

await runApp({
  seccomp,
  probes,
  async setup() {
    const filePath = `${tmp}/app.log`;
    const destination = pino.destination({ dest: filePath, sync: false });
    await once(destination, 'ready');
    const transportPath = `${tmp}/transport.log`;
    const transportFd = openSync(transportPath, 'a');
    return { toStdout: pino(), toFile: pino(destination), destination, filePath, transportPath, transportFd };
  },
  async exercise({ toStdout, toFile, destination, filePath, transportPath, transportFd }) {
    await check('log to stdout', () => {
      toStdout.info({ app: 'pino' }, 'to stdout after lockdown');
    });
    await check('log to a file opened before lockdown', async () => {
      for (let i = 0; i < 100; i++) toFile.info({ i }, 'line');
      toFile.child({ requestId: 'r1' }).warn('from a child logger');
      // end() waits for every buffered write (flush's callback came after the first one).
      destination.end();
      await once(destination, 'finish');
      const got = lines(filePath);
      if (got.length !== 101 || got[100].requestId !== 'r1') throw new Error(`${got.length} lines`);
      return { lines: got.length };
    });
    await check('pino.transport started after lockdown (worker thread)', async () => {
      const transport = pino.transport({ target: 'pino/file', options: { destination: transportFd } });
      await once(transport, 'ready');
      const logger = pino(transport);
      logger.info('through the transport');
      transport.end();
      await once(transport, 'close');
      const got = lines(transportPath);
      if (got[0]?.msg !== 'through the transport') throw new Error(`got ${JSON.stringify(got)}`);
    });
  },
});
