/**
 * What the results were measured on. The machine is noisy and figures from different runs
 * are not comparable, so every result file carries this record.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { createRequire } from 'node:module';
import { seccomp } from '@seccomp/node';
import { runtimeBinary, REPO_DIR } from './paths.js';
import { versionOf } from './children.js';
import { gccVersion } from './native.js';

export interface Environment {
  date: string;
  commit: string | undefined;
  kernel: string;
  cpu: string;
  cores: number;
  /** /sys/devices/system/cpu/vulnerabilities/spec_store_bypass: whether seccomp forces SSBD. */
  specStoreBypass: string;
  libseccomp: string;
  runtimes: { node: string; bun: string; deno: string };
  gcc: string;
  mitata: string;
  /** 1-minute load average when the run started and when it ended: other work on the machine shows up here. */
  loadAverage: { start: number; end?: number };
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

function gitCommit(): string | undefined {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_DIR, encoding: 'utf8' }).stdout.trim();
  return `${r.stdout.trim()}${dirty ? ' (with uncommitted changes)' : ''}`;
}

export const currentLoadAverage = (): number => loadavg()[0]!;

export function collectEnvironment(): Environment {
  const model = /^model name\s*:\s*(.*)$/m.exec(read('/proc/cpuinfo'))?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const deno = versionOf([runtimeBinary('deno'), '--version'])?.split('\n')[0]?.replace(/^deno /, '') ?? 'unknown';
  const require = createRequire(import.meta.url);
  return {
    date: new Date().toISOString(),
    commit: gitCommit(),
    kernel: release(),
    cpu: model,
    cores: cpus().length,
    specStoreBypass: read('/sys/devices/system/cpu/vulnerabilities/spec_store_bypass'),
    libseccomp: seccomp.libraryVersion().text,
    runtimes: { node: process.version.replace(/^v/, ''), bun: versionOf([runtimeBinary('bun'), '--version']) ?? 'unknown', deno },
    gcc: gccVersion(),
    mitata: (require('mitata/package.json') as { version: string }).version,
    loadAverage: { start: loadavg()[0]! },
  };
}
