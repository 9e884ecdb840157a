// Why lockdown() refuses a process that holds an io_uring instance. With UV_USE_IO_URING=1,
// Node 20's libuv sets up io_uring rings; file operations then run in kernel workers that no
// seccomp filter sees. Run: node io-uring.mjs
//   1. a filter denying mkdir/mkdirat (TSYNC, every thread): mkdirSync gets EPERM, but
//      fs.promises.mkdir goes through the ring and creates the directory;
//   2. lockdown() in the same situation refuses with LockdownRefusedError (reason io-uring);
//   3. denying io_uring_enter once the rings exist does not help: libuv aborts the process;
//   4. with UV_USE_IO_URING=0 (Node 20's default) both mkdirs get EPERM.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

async function child(mode, dir) {
  const { Action, SyscallFilter, lockdown, status } = await import('@seccomp/node');
  const fs = await import('node:fs');
  await fs.promises.readFile(fileURLToPath(import.meta.url)); // libuv sets its rings up on first use
  const rings = status().ioUringFds.length;
  if (mode === 'deny-ring') {
    new SyscallFilter(Action.allow).addRule(Action.errno('EPERM'), 'io_uring_enter').load();
    await fs.promises.mkdir(join(dir, 'after'));
    return { rings };
  }
  if (mode === 'lockdown') {
    try {
      lockdown();
      return { rings, lockdown: 'installed' };
    } catch (err) {
      return { rings, lockdown: `${err.name} (${err.reason})` };
    }
  }
  new SyscallFilter(Action.allow).addRule(Action.errno('EPERM'), 'mkdir').addRule(Action.errno('EPERM'), 'mkdirat').load();
  const tryIt = async (fn) => fn().then(() => 'created', (e) => e.code);
  return {
    rings,
    mkdirSync: await tryIt(async () => fs.mkdirSync(join(dir, 'sync'))),
    'fs.promises.mkdir': await tryIt(() => fs.promises.mkdir(join(dir, 'promises'))),
    everyThreadFiltered: status().allFiltered,
  };
}

if (process.argv[2]) {
  console.log(JSON.stringify(await child(process.argv[2], process.argv[3])));
} else {
  const self = fileURLToPath(import.meta.url);
  for (const [io, mode] of [['1', 'filter'], ['1', 'lockdown'], ['1', 'deny-ring'], ['0', 'filter']]) {
    const dir = mkdtempSync(join(tmpdir(), 'io-uring-'));
    const r = spawnSync(process.execPath, [self, mode, dir], { env: { ...process.env, UV_USE_IO_URING: io }, encoding: 'utf8' });
    const ended = r.status === 0 ? '' : ` [exit ${r.status ?? r.signal}: ${r.stderr.trim().split('\n')[0]}]`;
    console.log(`UV_USE_IO_URING=${io} ${mode.padEnd(9)} ${r.stdout.trim()}${ended}`);
    rmSync(dir, { recursive: true, force: true });
  }
}
