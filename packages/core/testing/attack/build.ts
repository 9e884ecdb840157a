/**
 * Parent side: compiles attack.c into a shared library once per test process, with gcc
 * (installed by .ci/run). The library goes to a fresh temporary directory.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** attack.c next to this file (running from source) or in the package's testing/ (running from dist). */
function sourcePath(): string {
  const candidates = ['./attack.c', '../../testing/attack/attack.c'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`attack.c not found (looked at ${candidates.join(', ')})`);
  return found;
}

let built: Promise<string> | undefined;

export function buildAttackHelper(): Promise<string> {
  built ??= new Promise((resolve, reject) => {
    const out = join(mkdtempSync(join(tmpdir(), 'seccomp-attack-')), 'attack.so');
    execFile('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-o', out, sourcePath()], (err, _stdout, stderr) => {
      if (err) reject(new Error(`gcc could not build the attack helper (the lockdown suite needs gcc and libc6-dev): ${err.message}\n${stderr}`));
      else resolve(out);
    });
  });
  return built;
}
