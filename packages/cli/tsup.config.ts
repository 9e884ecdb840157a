import { defineConfig } from 'tsup';

export default defineConfig({
  // One file: the command starts fast and has nothing of its own to resolve at run time.
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
  clean: true,
  target: 'es2022',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
  external: ['@seccomp/node', 'koffi'],
});
