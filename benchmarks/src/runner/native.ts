/**
 * Builds the C baselines with gcc at the start of every run, against the same libseccomp
 * the SDK loads. Missing tools are an error that names the packages to install (CI's
 * .ci/run installs them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { NATIVE_OUT, NATIVE_SRC } from './paths.js';

const PROGRAMS = ['load', 'compile', 'coldstart', 'syscall', 'ffi', 'http-load'] as const;
export type NativeProgram = (typeof PROGRAMS)[number];
const NEEDS_LIBSECCOMP = new Set(['load', 'compile', 'coldstart', 'syscall', 'ffi']);
/** coldstart starts idle threads, so that TSYNC and the thread check see as many as a runtime has. */
const NEEDS_THREADS = new Set(['coldstart']);

export function buildNative(): void {
  const probe = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('gcc is needed to build the native baselines: apt-get install gcc libc6-dev libseccomp-dev');
  }
  mkdirSync(NATIVE_OUT, { recursive: true });
  for (const program of PROGRAMS) buildProgram(program, NATIVE_OUT);
  for (const program of PROGRAMS) if (!existsSync(join(NATIVE_OUT, program))) throw new Error(`${program} was not built`);
}

/** Builds one baseline into `outDir` (its tests build the one they run). */
export function buildProgram(program: NativeProgram, outDir: string): string {
  const out = join(outDir, program);
  const args = ['-O2', '-Wall', '-Wextra', '-Werror', '-o', out, join(NATIVE_SRC, `${program}.c`)];
  if (NEEDS_THREADS.has(program)) args.push('-pthread');
  if (NEEDS_LIBSECCOMP.has(program)) args.push('-lseccomp');
  const r = spawnSync('gcc', args, { encoding: 'utf8' });
  if (r.status !== 0) {
    const hint = /seccomp\.h/.test(r.stderr) ? '\nlibseccomp headers are missing: apt-get install libseccomp-dev' : '';
    throw new Error(`gcc ${program}.c failed:\n${r.stderr}${hint}`);
  }
  return out;
}

export function gccVersion(): string {
  return spawnSync('gcc', ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim();
}
