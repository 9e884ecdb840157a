import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // lockdown: the lean entry (@seccomp/core/lockdown). ESM splitting puts what both entries
    // use in shared chunks, so importing both loads each module (and error class) once.
    entry: { index: 'src/index.ts', internal: 'src/internal.ts', lockdown: 'src/lockdown/entry.ts' },
    format: ['esm'],
    clean: true,
    target: 'es2022',
    platform: 'neutral',
  },
  {
    // CommonJS: the public entry and the internal one (which the runtime packages' require()
    // builds load too) share chunks (tsup's CommonJS splitting), so there is one copy of each class.
    entry: { index: 'src/index.ts', internal: 'src/internal.ts' },
    format: ['cjs'],
    splitting: true,
    target: 'es2022',
    platform: 'neutral',
  },
  // Declarations one entry at a time, each file whole: a shared declaration chunk is imported
  // as "./chunk.js", which `deno check` does not map to its .d.ts.
  { entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: { only: true } },
  { entry: { internal: 'src/internal.ts' }, format: ['esm', 'cjs'], dts: { only: true } },
  { entry: { lockdown: 'src/lockdown/entry.ts' }, format: ['esm'], dts: { only: true } },
  {
    // The conformance suite runs in each runtime's test runner and child processes (ESM only).
    // testing/reports: the child ↔ parent line protocol alone, for benchmark children that time their start.
    entry: { 'testing/index': 'testing/index.ts', 'testing/child': 'testing/child.ts', 'testing/reports': 'testing/reports.ts' },
    format: ['esm'],
    dts: { entry: { 'testing/index': 'testing/index.ts', 'testing/reports': 'testing/reports.ts' }, compilerOptions: { types: ['node'] } },
    target: 'es2022',
    platform: 'node',
    external: [/^node:/],
  },
]);
