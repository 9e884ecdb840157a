import { defineConfig, type Options } from 'tsup';

/**
 * The main entry imports all of core anyway, so its backend takes core's names from there
 * too: one core entry to load instead of two (each module file costs a cold start ~0.2 ms),
 * and in the require() build, where nothing is shared, one copy of core's classes. The lean
 * entry's backend keeps `@seccomp/core/lockdown`. noExternal lets the import reach the plugin,
 * which makes it external again, renamed.
 */
const leanToMain = {
  name: 'lean-to-main',
  setup(build: { onResolve(o: { filter: RegExp }, f: () => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^@seccomp\/core\/lockdown$/ }, () => ({ path: '@seccomp/core', external: true }));
  },
};

const common: Options = { dts: true, target: 'es2022', platform: 'node', external: ['koffi', '@seccomp/core', '@seccomp/core/lockdown'] };

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], clean: true, noExternal: [/^@seccomp\/core\/lockdown$/], esbuildPlugins: [leanToMain] },
  // The lean entry (@seccomp/node/lockdown): ESM only, one file.
  { ...common, entry: { lockdown: 'src/lockdown.ts' }, format: ['esm'] },
]);
