import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
  },
  {
    // The conformance suite runs in each runtime's test runner and child processes (ESM only).
    entry: { 'testing/index': 'testing/index.ts', 'testing/child': 'testing/child.ts' },
    format: ['esm'],
    dts: { entry: { 'testing/index': 'testing/index.ts' }, compilerOptions: { types: ['node'] } },
    target: 'es2022',
    platform: 'node',
    external: [/^node:/],
  },
]);
