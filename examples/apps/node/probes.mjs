// The attack probes as a Node app would meet them: child_process, process.kill and node:fs.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as seccomp from '@seccomp/node';
import { attackProbes } from '../lib/child.mjs';

export { seccomp };

export const probes = attackProbes(seccomp, {
  exec: (file) => execFileSync(file, { stdio: 'ignore' }),
  kill: (pid, signal) => process.kill(pid, signal),
  writeFile: (path, data) => writeFileSync(path, data, { flag: 'wx' }),
});
