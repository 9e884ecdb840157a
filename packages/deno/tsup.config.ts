import { defineConfig, type Options } from 'tsup';

/**
 * The main entry loads @seccomp/core/internal anyway (createSeccomp), so its backend takes
 * core's plumbing from there too rather than from the lean entry: no second copy of a module
 * (and no second error class). The lean entry's backend keeps `@seccomp/core/lockdown`.
 * noExternal lets the import reach the plugin, which makes it external again, renamed.
 * (Deno's source, for JSR, imports both.)
 */
const leanToMain = {
  name: 'lean-to-main',
  setup(build: { onResolve(o: { filter: RegExp }, f: () => { path: string; external: boolean }): void }) {
    build.onResolve({ filter: /^@seccomp\/core\/lockdown$/ }, () => ({ path: '@seccomp/core/internal', external: true }));
  },
};

// ESM only: Deno has no require(), and npm: imports of this package load dist/index.js.
const common: Options = { format: ['esm'], dts: true, target: 'es2022', platform: 'neutral', external: ['@seccomp/core', '@seccomp/core/internal', '@seccomp/core/lockdown'] };

export default defineConfig([
  { ...common, entry: { index: 'src/index.ts' }, clean: true, noExternal: [/^@seccomp\/core\/lockdown$/], esbuildPlugins: [leanToMain] },
  // The lean entry (@seccomp/deno/lockdown), one file.
  { ...common, entry: { lockdown: 'src/lockdown.ts' } },
]);
