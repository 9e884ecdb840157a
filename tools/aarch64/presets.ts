/**
 * Host side: compares the presets measured in the guest (tests/aarch64-results/
 * measured.generated.aarch64.ts, written by measure-presets.ts on aarch64) with x86_64's
 * (packages/core/src/lockdown/measured.generated.ts), and checks that each runtime preset,
 * expanded for aarch64, allows everything the runtime did there (clone3 aside: it gets ENOSYS
 * so glibc falls back to clone, as on x86_64). Prints a Markdown table for docs/lockdown.md;
 * exits 1 when a preset misses a call.
 *
 *   node --import tsx tools/aarch64/presets.ts [measured.generated.aarch64.ts]
 */
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expandSyscallSpecs } from '../../packages/core/src/groups/index.js';
import { MEASURED as X86_64 } from '../../packages/core/src/lockdown/measured.generated.js';
import { PRESETS } from '../../packages/core/src/lockdown/presets.js';

type Runtime = keyof typeof PRESETS;
const file = process.argv[2] ?? fileURLToPath(new URL('../../tests/aarch64-results/measured.generated.aarch64.ts', import.meta.url));
const aarch64 = (await import(pathToFileURL(resolve(file)).href)).MEASURED as Record<Runtime, { measuredWith: string; syscalls: readonly string[] }>;

let missingAny = false;
const rows: string[] = ['| runtime | measured on aarch64 | calls | only on aarch64 | only on x86_64 | preset misses on aarch64 |', '| --- | --- | --- | --- | --- | --- |'];
for (const rt of Object.keys(PRESETS) as Runtime[]) {
  const arm = new Set(aarch64[rt].syscalls);
  const x86 = new Set<string>(X86_64[rt].syscalls);
  const allowed = new Set(expandSyscallSpecs(PRESETS[rt], 'aarch64'));
  const missing = [...arm].filter((n) => n !== 'clone3' && !allowed.has(n));
  if (missing.length) missingAny = true;
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `\`${x}\``).join(', ') : '—');
  rows.push(`| ${rt} | ${aarch64[rt].measuredWith} | ${arm.size} | ${list([...arm].filter((n) => !x86.has(n)))} | ${list([...x86].filter((n) => !arm.has(n)))} | ${list(missing)} |`);
}
console.log(rows.join('\n'));
process.exit(missingAny ? 1 : 0);
