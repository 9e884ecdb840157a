/**
 * The tests drive the built command as a user would: spawn `node dist/cli.js …`, then look
 * at stdout, stderr and the exit status. Nothing here loads a filter into the test process.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';

export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function seccomp(args: readonly string[], options: SpawnSyncOptions = {}): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    // No colours, and libuv's io_uring off as in every child the suite starts.
    env: { ...process.env, NO_COLOR: '1', UV_USE_IO_URING: '0' },
    ...options,
  });
  return { code: r.status, signal: r.signal, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export function json<T = any>(r: Result): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** A temporary directory, removed when the file's tests end. */
export function scratch(): { dir: string; file(name: string, content: string | object): string } {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
      return path;
    },
  };
}

/** stderr is one line, starting with `seccomp:`. */
export function oneLineError(r: Result): string {
  const lines = r.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0]!.startsWith('seccomp: ')) throw new Error(`expected one error line, got:\n${r.stderr}`);
  return lines[0]!;
}
