/** Where things are: the benchmarks package, the repository root, and the runtimes' binaries. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** benchmarks/ (this file is dist/runner/paths.js once built). */
export const BENCH_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REPO_DIR = resolve(BENCH_DIR, '..');
export const DIST_DIR = join(BENCH_DIR, 'dist');
export const NATIVE_SRC = join(BENCH_DIR, 'native');
export const NATIVE_OUT = join(DIST_DIR, 'native');

/**
 * The bun and deno executables the workspace installs (the real binaries, not the
 * node_modules/.bin shell shims, whose start-up would be counted in every sample's
 * wall time), else whatever PATH has.
 */
export function runtimeBinary(name: 'bun' | 'deno'): string {
  const installed = name === 'bun' ? join(REPO_DIR, 'node_modules', 'bun', 'bin', 'bun.exe') : join(REPO_DIR, 'node_modules', 'deno', 'deno');
  return existsSync(installed) ? installed : name;
}

/** Repository-relative form of a path, for anything written into results. */
export function repoRelative(path: string): string {
  return path.startsWith(`${REPO_DIR}/`) ? path.slice(REPO_DIR.length + 1) : path;
}
