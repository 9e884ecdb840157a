/**
 * Finding Bun and Deno for doctor: on PATH, or in a node_modules/.bin above the current
 * directory (where a project that installs them from npm keeps them), and asking each to
 * open libseccomp through its own FFI — the thing @seccomp/bun and @seccomp/deno need.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';

export function findBinary(name: string, cwd = process.cwd()): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    dirs.push(join(dir, 'node_modules', '.bin'));
    if (dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const LIBRARY = () => JSON.stringify(process.env.SECCOMP_LIBRARY_PATH || 'libseccomp.so.2');

/** Each runtime's FFI opening libseccomp and asking its API level; prints the number. */
const PROBES: Record<'bun' | 'deno', () => string[]> = {
  bun: () => ['-e', `const { dlopen } = require('bun:ffi'); const l = dlopen(${LIBRARY()}, { seccomp_api_get: { args: [], returns: 'u32' } }); console.log(l.symbols.seccomp_api_get());`],
  deno: () => ['eval', `const l = Deno.dlopen(${LIBRARY()}, { seccomp_api_get: { parameters: [], result: 'u32' } }); console.log(l.symbols.seccomp_api_get());`],
};

export interface RuntimeReport {
  name: 'bun' | 'deno';
  path?: string;
  version?: string;
  /** libseccomp's API level as that runtime's FFI sees it. */
  apiLevel?: number;
  error?: string;
}

export function probeRuntime(name: 'bun' | 'deno'): RuntimeReport {
  const path = findBinary(name);
  if (!path) return { name };
  const version = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 15000 });
  const v = /(\d+\.\d+\.\d+\S*)/.exec(version.stdout ?? '')?.[1];
  const probe = spawnSync(path, PROBES[name](), { encoding: 'utf8', timeout: 30000, env: { ...process.env, NO_COLOR: '1' } });
  const level = Number((probe.stdout ?? '').trim());
  if (probe.status === 0 && Number.isInteger(level) && level > 0) return { name, path, ...(v && { version: v }), apiLevel: level };
  const why = (probe.stderr || probe.error?.message || `exit status ${probe.status}`).trim().split('\n').find((l) => l.trim()) ?? 'failed';
  return { name, path, ...(v && { version: v }), error: why };
}
