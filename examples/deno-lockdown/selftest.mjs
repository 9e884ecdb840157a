// `pnpm test`: starts server.ts under Deno, sends normal and malicious requests, prints the
// table and exits non-zero on any surprise (the shared self-test of the lockdown examples).
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSelfTest, runtimeBin } from '../node-lockdown/selftest.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const surprises = await runSelfTest({
  title: 'Deno (Deno.serve), lockdown({ readOnlyFs: true })',
  argv: [runtimeBin('deno', here), 'run', '--allow-all', 'server.ts'],
  cwd: here,
});
process.exitCode = surprises ? 1 : 0;
