// learn → run on real servers (Node, Bun, Deno, Python, C): each profile is learned from a
// short run that serves one request and ends by itself — no signal, no crash — and the
// server, run under it, must still end by SIGTERM, Ctrl-C's SIGINT or abort() as it would
// unfiltered, promptly. The control is the same profile without its group for signals, exits
// and crashes (what `learn` wrote before): where that group matters, the control shows the
// signal swallowed or the process ending another way.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync, writeFileSync } from 'node:fs';
import { constants as os } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI, FIXTURES, scratch } from './helpers.js';

const s = scratch();
const SERVERS = join(FIXTURES, 'servers');
/** How long a signalled server may take to end ("promptly": well inside Docker's 10 s grace). */
const WAIT_MS = 4000;
const status = (sig: keyof typeof os.signals) => 128 + os.signals[sig];

interface Server {
  child: ChildProcess;
  /** The server's own pid and port, as it printed them. */
  pid: number;
  port: number;
  ended: Promise<number | null>;
  stderr(): string;
}

/** Starts `seccomp <args>` and resolves once the server in it prints "listening <port> <pid>". */
function start(args: readonly string[], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, NO_COLOR: '1', UV_USE_IO_URING: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const ended = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 30 s:\n${stdout}\n${stderr}`)), 30_000);
    void ended.then((code) => reject(new Error(`seccomp ${args[0]} ended (${code}) before the server listened:\n${stdout}\n${stderr}`)));
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /listening (\d+) (\d+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      resolve({ child, port: Number(m[1]), pid: Number(m[2]), ended, stderr: () => stderr });
    });
  });
}

/** One request; a server that aborts while answering resets the connection, which is fine. */
async function get(port: number, path = '/'): Promise<void> {
  try {
    await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  } catch {
    // The reply is not what is tested.
  }
}

async function learn(name: string, argv: readonly string[]): Promise<string> {
  const out = join(s.dir, `${name}.json`);
  const server = await start(['learn', '-o', out, '--', ...argv], { REQUESTS: '1' });
  await get(server.port);
  assert.equal(await server.ended, 0, server.stderr());
  return out;
}

/** The same profile without the group `learn` adds for how a process ends. */
function withoutEndPaths(profile: string): string {
  const p = JSON.parse(readFileSync(profile, 'utf8'));
  const groups = p.syscalls.filter((g: { comment?: string }) => !g.comment?.startsWith('always allowed'));
  assert.equal(groups.length, p.syscalls.length - 1, 'the learned profile has its group for signals, exits and crashes');
  const out = profile.replace(/\.json$/, '-control.json');
  writeFileSync(out, JSON.stringify({ ...p, syscalls: groups }));
  return out;
}

type Trigger = { signal: NodeJS.Signals } | { request: string };

/** Runs the server under `profile`, triggers the end, and says how `seccomp run` ended. */
async function end(profile: string, argv: readonly string[], trigger: Trigger): Promise<{ status: number | null | 'running'; ms: number }> {
  const server = await start(['run', '--profile', profile, '--', ...argv]);
  await get(server.port); // up and serving
  const t0 = performance.now();
  if ('signal' in trigger) process.kill(server.pid, trigger.signal);
  else await get(server.port, trigger.request);
  const timeout = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), WAIT_MS).unref());
  const result = await Promise.race([server.ended, timeout]);
  const ms = Math.round(performance.now() - t0);
  if (result === 'running') {
    process.kill(server.pid, 'SIGKILL');
    await server.ended;
  }
  return { status: result, ms };
}

/** A binary on PATH or in a node_modules/.bin above this package. */
function onPath(name: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  dirs.push(fileURLToPath(new URL('../../../node_modules/.bin', import.meta.url)));
  for (const dir of dirs) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * The runtime's own executable: npm's bun and deno are shell and Node wrappers, which would
 * be learned (and signalled) instead of the runtime. Bun and Deno are this workspace's own
 * dependencies, so only Python may be missing; a binary that is there but does not run fails.
 */
function realBinary(name: string, args: string[], optional = false): string | { skip: string } {
  const found = onPath(name);
  if (!found && optional) return { skip: `${name} is not installed (not on PATH nor in node_modules/.bin)` };
  assert.ok(found, `${name} is a dependency of this workspace, yet it is not in node_modules/.bin nor on PATH`);
  const r = spawnSync(found, args, { encoding: 'utf8', timeout: 30_000 });
  const path = r.stdout?.trim();
  assert.ok(r.status === 0 && path, `${found} did not run: ${r.stderr || r.error?.message}`);
  return path;
}

function cBinary(): string | { skip: string } {
  const out = join(s.dir, 'server-c');
  const r = spawnSync('gcc', ['-O2', '-o', out, join(SERVERS, 'server.c')], { encoding: 'utf8' });
  if (r.error) return { skip: `no C compiler (gcc: ${(r.error as NodeJS.ErrnoException).code})` };
  assert.equal(r.status, 0, r.stderr);
  return out;
}

const BINARIES: Record<string, () => string | { skip: string }> = {
  node: () => process.execPath,
  bun: () => realBinary('bun', ['-e', 'console.log(process.execPath)']),
  deno: () => realBinary('deno', ['eval', 'console.log(Deno.execPath())']),
  python: () => realBinary('python3', ['-c', 'import sys; print(sys.executable)'], true),
  c: cBinary,
};

interface Case {
  /** Which learned server: runtime and mode. */
  runtime: keyof typeof BINARIES;
  mode: 'plain' | 'reraise';
  trigger: Trigger;
  expect: number;
  /**
   * How the control ends, where the added group is what makes the difference: swallowed
   * ('running'), or the re-raise refused so the handler throws (exit 1). Bun and Deno with no
   * handler of the application's end by SIGTERM either way.
   */
  control?: number | 'running';
  why: string;
}

const CASES: Case[] = [
  { runtime: 'node', mode: 'plain', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), control: 'running', why: 'Node resets its stdio and re-raises with tgkill' },
  { runtime: 'node', mode: 'plain', trigger: { signal: 'SIGINT' }, expect: status('SIGINT'), control: 'running', why: 'Ctrl-C: the same path as SIGTERM' },
  { runtime: 'node', mode: 'reraise', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), control: 1, why: "signal-exit's pattern: process.kill(process.pid, sig)" },
  { runtime: 'bun', mode: 'plain', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), why: 'Bun leaves SIGTERM to the kernel' },
  { runtime: 'bun', mode: 'reraise', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), control: 1, why: "signal-exit's pattern on Bun" },
  { runtime: 'deno', mode: 'plain', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), why: "Deno.serve's handler wakes the loop through a socket pair and re-raises with tgkill" },
  { runtime: 'deno', mode: 'reraise', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), control: 1, why: 'Deno.addSignalListener, then Deno.kill(Deno.pid)' },
  { runtime: 'python', mode: 'reraise', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), control: 1, why: 'a handler that restores the default and os.kill()s itself' },
  { runtime: 'c', mode: 'reraise', trigger: { signal: 'SIGTERM' }, expect: status('SIGTERM'), control: 'running', why: 'a handler that restores the default and raise()s' },
  // Without tgkill, abort() falls through to its last resort, a fault: SIGSEGV, not SIGABRT.
  { runtime: 'c', mode: 'plain', trigger: { request: '/abort' }, expect: status('SIGABRT'), control: status('SIGSEGV'), why: 'abort() raises SIGABRT with tgkill' },
];

const learned = new Map<string, Promise<string>>();

for (const c of CASES) {
  const what = 'signal' in c.trigger ? c.trigger.signal : `GET ${c.trigger.request}`;
  const title = `learned on ${c.runtime} (${c.mode}), then ${what}: ends as unfiltered (${c.why})`;
  test(title, async (t) => {
    const bin = BINARIES[c.runtime]!();
    if (typeof bin !== 'string') return t.skip(bin.skip);
    const script = { node: 'node.mjs', bun: 'bun.mjs', deno: 'deno.mjs', python: 'server.py', c: '' }[c.runtime] ?? '';
    const argv = c.runtime === 'c' ? [bin, c.mode] : c.runtime === 'deno' ? [bin, 'run', '-A', join(SERVERS, script), c.mode] : [bin, join(SERVERS, script), c.mode];
    const key = `${c.runtime}-${c.mode}`;
    if (!learned.has(key)) learned.set(key, learn(key, argv));
    const profile = await learned.get(key)!;
    const fixed = await end(profile, argv, c.trigger);
    const control = await end(withoutEndPaths(profile), argv, c.trigger);
    t.diagnostic(`learned profile: ${JSON.stringify(fixed)}; control without the group: ${JSON.stringify(control)}`);
    assert.equal(fixed.status, c.expect, `under the learned profile (${fixed.ms} ms)`);
    assert.ok(fixed.ms < WAIT_MS, `promptly: ${fixed.ms} ms`);
    if (c.control !== undefined) assert.equal(control.status, c.control, 'the control shows what the group changes');
  });
}

test('SIGTERM to `seccomp run` itself (what docker stop signals) is passed on: the command ends by it, none is left running', async (t) => {
  const argv = [process.execPath, join(SERVERS, 'node.mjs'), 'plain'];
  if (!learned.has('node-plain')) learned.set('node-plain', learn('node-plain', argv));
  const server = await start(['run', '--profile', await learned.get('node-plain')!, '--', ...argv]);
  await get(server.port);
  process.kill(server.child.pid!, 'SIGTERM');
  const timeout = new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), WAIT_MS).unref());
  const code = await Promise.race([server.ended, timeout]);
  const alive = (() => {
    try {
      process.kill(server.pid, 0);
      return true;
    } catch {
      return false;
    }
  })();
  if (alive) process.kill(server.pid, 'SIGKILL');
  if (code === 'running') process.kill(server.child.pid!, 'SIGKILL');
  t.diagnostic(`seccomp run: ${code}; server still alive: ${alive}`);
  assert.equal(code, status('SIGTERM'), server.stderr());
  assert.equal(alive, false, 'the command is not left running without its launcher');
});
