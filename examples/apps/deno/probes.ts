// The attack probes as a Deno app would meet them: Deno.Command, a signal through node:process
// (Deno.kill has no signal 0) and Deno.writeTextFileSync.
import process from 'node:process';
import * as seccomp from '@seccomp/deno';
import { attackProbes } from '../lib/child.mjs';

export { seccomp };

export const probes = attackProbes(seccomp, {
  exec: (file: string) => new Deno.Command(file, { stdout: 'null', stderr: 'null' }).outputSync(),
  kill: (pid: number, signal: number) => process.kill(pid, signal),
  writeFile: (path: string, data: string) => Deno.writeTextFileSync(path, data, { createNew: true }),
});
