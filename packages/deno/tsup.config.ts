import { defineConfig, type Options } from 'tsup';

/**
 * The main entry imports all of core anyway, so its backend takes core's names from there
 * too: one core entry to load instead of two (each module file costs a cold start ~0.2 ms).
 * The lean entry's backend keeps `@seccomp/core/lockdown`. noExternal lets the import reach
 * the plugin, which makes it external again, renamed. (Deno's source, for JSR, imports both.)
 */
const leanToMain = {
  name: 'lean-to-main',
  setup(build: { onResolve(o: { filter: RegExp }, f: () => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^@seccomp\/core\/lockdown$/ }, () => ({ path: '@seccomp/core', external: true }));
  },
};

// ESM only: Deno has no require(), and npm: imports of this package load dist/index.js.
const common: Options = { format: ['esm'], dts: true, target: 'es2022', platform: 'neutral', external: ['@seccomp/core', '@seccomp/core/lockdown'] };

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, clean: true, noExternal: [/^@seccomp\/core\/lockdown$/], esbuildPlugins: [leanToMain] },
  // The lean entry (@seccomp/deno/lockdown), one file.
  { ...common, entry: { lockdown: 'src/lockdown.ts' } },
]);
