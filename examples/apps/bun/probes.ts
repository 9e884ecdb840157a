// The attack probes as a Bun app would meet them: Bun.spawnSync, process.kill and node:fs.
import { writeFileSync } from 'node:fs';
import * as seccomp from '@seccomp/bun';
import { attackProbes } from '../lib/child.mjs';

export { seccomp };

export const probes = attackProbes(seccomp, {
  exec: (file: string) => Bun.spawnSync([file]),
  kill: (pid: number, signal: number) => process.kill(pid, signal),
  writeFile: (path: string, data: string) => writeFileSync(path, data, { flag: 'wx' }),
});
