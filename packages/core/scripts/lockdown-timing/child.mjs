// One timed lockdown in a fresh process (run by measure-lockdown.ts in Node, Bun or Deno).
// argv: <runtime package URL> <typescript|libseccomp|bpf|compile> [bpf file]
import { readFileSync, writeFileSync } from 'node:fs';

const args = globalThis.Deno ? Deno.args : process.argv.slice(2);
const [url, mode, file] = args;
const sdk = await import(url);
const now = () => performance.now();
if (mode === 'compile') {
  const t0 = now();
  const bytes = sdk.compileLockdown();
  const ms = now() - t0;
  writeFileSync(file, bytes);
  console.log(JSON.stringify({ ms, bytes: bytes.length }));
} else {
  // The file is read first: reading it is not part of lockdown.
  const options = mode === 'bpf' ? { bpf: new Uint8Array(readFileSync(file)) } : { via: mode };
  const t0 = now();
  const result = sdk.lockdown(options);
  const wall = now() - t0;
  if (result.via !== mode) throw new Error(`asked for ${mode}, lockdown() went via ${result.via}`);
  console.log(JSON.stringify({ ms: result.ms, wall, via: result.via, threads: result.threads }));
}
