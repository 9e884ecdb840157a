// One timed lockdown in a fresh process (run by measure-lockdown.ts in Node, Bun or Deno).
// argv: <package entry URL> <typescript|libseccomp|bpf|custom|compile> [bpf file]
// Prints the import's time and lockdown()'s (its own `ms`, and the wall time around the call).
import { readFileSync, writeFileSync } from 'node:fs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [url, mode, file] = args;
// The file is read first: reading it is not part of lockdown.
const bpf = mode === 'bpf' ? new Uint8Array(readFileSync(file)) : undefined;
const now = () => performance.now();
const t0 = now();
const sdk = await import(url);
const importMs = now() - t0;
if (mode === 'compile') {
  const t1 = now();
  const bytes = sdk.compileLockdown();
  const ms = now() - t1;
  writeFileSync(file, bytes);
  console.log(JSON.stringify({ ms, import: importMs, bytes: bytes.length }));
} else {
  // custom: options outside the precompiled table, so the filters are planned and compiled now.
  const options = { typescript: { via: 'typescript' }, libseccomp: { via: 'libseccomp' }, bpf: { bpf }, custom: { deny: ['sethostname'] } }[mode];
  const want = mode === 'custom' ? 'typescript' : mode;
  const t1 = now();
  const result = sdk.lockdown(options);
  const wall = now() - t1;
  if (result.via !== want) throw new Error(`asked for ${want}, lockdown() went via ${result.via}`);
  console.log(JSON.stringify({ ms: result.ms, wall, import: importMs, via: result.via, threads: result.threads }));
}
