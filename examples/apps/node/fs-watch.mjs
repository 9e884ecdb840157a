// fs.watch (inotify) set up after lockdown on a directory made before it. The change comes
// through a file descriptor opened for writing before lockdown, which readOnlyFs leaves
// writable; creating a new file is tried only where the mode allows it.
import { once } from 'node:events';
import { mkdirSync, openSync, watch, writeFileSync, writeSync } from 'node:fs';
import { watch as watchAsync } from 'node:fs/promises';
import { check, mode, runApp, tmp } from '../lib/child.mjs';
import { probes, seccomp } from './probes.mjs';

await runApp({
  seccomp,
  probes,
  setup() {
    const dir = `${tmp}/watched`;
    mkdirSync(dir);
    return { dir, fd: openSync(`${dir}/log.txt`, 'a') };
  },
  async exercise({ dir, fd }) {
    await check('fs.watch sees a write through an open descriptor', async () => {
      const watcher = watch(dir);
      const event = once(watcher, 'change');
      writeSync(fd, 'changed\n');
      const [type, name] = await event;
      watcher.close();
      if (name !== 'log.txt') throw new Error(`got ${type} ${name}`);
      return { type, name };
    });
    await check('fs.promises.watch (async iterator)', async () => {
      const ac = new AbortController();
      const events = watchAsync(dir, { signal: ac.signal });
      setTimeout(() => writeSync(fd, 'again\n'), 50);
      let filename;
      for await (const event of events) {
        filename = event.filename;
        break;
      }
      ac.abort();
      return { filename };
    });
    if (mode !== 'readonly') {
      await check('fs.watch sees a new file', async () => {
        const watcher = watch(dir);
        const event = once(watcher, 'change');
        writeFileSync(`${dir}/new.txt`, 'new');
        const [type, name] = await event;
        watcher.close();
        return { type, name };
      });
    }
  },
});
