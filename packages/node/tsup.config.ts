import { defineConfig, type Options } from 'tsup';

/**
 * The main entry loads @seccomp/core/internal anyway (createSeccomp), so its backend takes
 * core's plumbing from there too rather than from the lean entry: no second copy of a module
 * (and no second error class). The lean entry's backend keeps `@seccomp/core/lockdown`.
 * noExternal lets the import reach the plugin, which makes it external again, renamed.
 */
const leanToMain = {
  name: 'lean-to-main',
  setup(build: { onResolve(o: { filter: RegExp }, f: () => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^@seccomp\/core\/lockdown$/ }, () => ({ path: '@seccomp/core/internal', external: true }));
  },
};

const common: Options = { dts: true, target: 'es2022', platform: 'node', external: ['koffi', '@seccomp/core', '@seccomp/core/internal', '@seccomp/core/lockdown'] };

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], clean: true, noExternal: [/^@seccomp\/core\/lockdown$/], esbuildPlugins: [leanToMain] },
  // The lean entry (@seccomp/node/lockdown): ESM only, one file.
  { ...common, entry: { lockdown: 'src/lockdown.ts' }, format: ['esm'] },
]);
