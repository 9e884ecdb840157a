import { defineConfig } from 'tsup';

export default defineConfig({
  // lockdown: the lean entry (@seccomp/bun/lockdown); shared code lands in chunks.
  entry: { index: 'src/index.ts', lockdown: 'src/lockdown.ts' },
  // ESM only: Bun loads it natively, and bun:ffi exists nowhere else anyway.
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'node',
  external: ['bun:ffi', '@seccomp/core', '@seccomp/core/lockdown'],
});
