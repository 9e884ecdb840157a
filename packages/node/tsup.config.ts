import { defineConfig, type Options } from 'tsup';

const common: Options = {
  dts: true,
  target: 'es2022',
  platform: 'node',
  external: ['koffi', '@seccomp/core', '@seccomp/core/lockdown'],
};

/**
 * CommonJS has no shared chunks, so core's lean entry would be a second copy of its classes
 * (an error thrown by one would fail `instanceof` against the other): in the require() build
 * the backend takes the same names from core's main entry, which has them all.
 */
const leanToMain = {
  name: 'lean-to-main',
  setup(build: { onResolve(o: { filter: RegExp }, f: () => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^@seccomp\/core\/lockdown$/ }, () => ({ path: '@seccomp/core', external: true }));
  },
};

export default defineConfig([
  // lockdown: the lean entry (@seccomp/node/lockdown), ESM only; shared code lands in chunks.
  { ...common, entry: { index: 'src/index.ts', lockdown: 'src/lockdown.ts' }, format: ['esm'], clean: true },
  // noExternal lets the import reach leanToMain, which makes it external again, renamed.
  { ...common, entry: { index: 'src/index.ts' }, format: ['cjs'], noExternal: [/^@seccomp\/core\/lockdown$/], esbuildPlugins: [leanToMain] },
]);
