import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  // ESM only: Bun loads it natively, and bun:ffi exists nowhere else anyway.
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  external: ['bun:ffi', '@seccomp/core'],
});
