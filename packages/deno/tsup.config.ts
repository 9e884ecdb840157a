import { defineConfig } from 'tsup';

export default defineConfig({
  // lockdown: the lean entry (@seccomp/deno/lockdown); shared code lands in chunks.
  entry: { index: 'src/index.ts', lockdown: 'src/lockdown.ts' },
  // ESM only: Deno has no require(), and npm: imports of this package load dist/index.js.
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['@seccomp/core', '@seccomp/core/lockdown'],
});
