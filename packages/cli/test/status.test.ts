// status and doctor, on real processes of this machine.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { json, oneLineError, seccomp } from './helpers.js';

const NODE_PACKAGE = fileURLToPath(new URL('../../node/dist/index.js', import.meta.url));

test('status of another process: every thread, unfiltered', async () => {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
  try {
    await new Promise((r) => setTimeout(r, 200));
    const r = seccomp(['status', String(child.pid)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^process ${child.pid} \\(.*setTimeout.*\\): \\d+ threads, all without seccomp\\n`));
    assert.match(r.stdout, /  TID +NAME +MODE +FILTERS +NO_NEW_PRIVS\n/);
    assert.match(r.stdout, new RegExp(`  ${child.pid} +node +disabled +0 +no\\n`));
    assert.match(r.stdout, /io_uring: none\n$/);
    const j = json(seccomp(['status', String(child.pid), '--json']));
    assert.equal(j.pid, child.pid);
    assert.ok(j.threads.length > 1);
    assert.equal(j.allFiltered, false);
  } finally {
    child.kill();
  }
});

test('status inside `seccomp run`: every thread in filter mode, NO_NEW_PRIVS set', () => {
  // The status command runs as the sandboxed command, so it reports its own process.
  const r = seccomp(['run', '--preset', 'docker-default', '--', process.execPath, new URL('../dist/cli.js', import.meta.url).pathname, 'status', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const j = json(r);
  assert.equal(j.allFiltered, true);
  for (const t of j.threads) {
    assert.equal(t.mode, 'filter');
    assert.equal(t.noNewPrivs, true);
    assert.ok(t.filters >= 1);
  }
});

test('status reports an io_uring instance', async (t) => {
  // The child makes its own ring with io_uring_setup, so the test knows its fd; libuv's own
  // ring is turned off, so that fd is the only one.
  const code = `import { rawSyscall } from ${JSON.stringify(NODE_PACKAGE)};
    console.log(JSON.stringify(rawSyscall('io_uring_setup', 8, new Uint8Array(120))));
    setTimeout(() => {}, 30000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, UV_USE_IO_URING: '0' } });
  try {
    const ring = JSON.parse(await new Promise<string>((resolve) => child.stdout!.setEncoding('utf8').once('data', resolve))) as { ret: number; errno: number };
    // A kernel without io_uring (ENOSYS), or with kernel.io_uring_disabled set (EPERM), gives no ring.
    if (ring.ret < 0) return t.skip(`this kernel refuses io_uring_setup to this run (errno ${ring.errno}: no io_uring, or kernel.io_uring_disabled)`);
    assert.deepEqual(json(seccomp(['status', String(child.pid), '--json'])).ioUringFds, [ring.ret]);
    const r = seccomp(['status', String(child.pid)]);
    assert.match(r.stdout, new RegExp(`io_uring: 1 instance \\(fd ${ring.ret}\\): operations submitted through a ring bypass seccomp`));
  } finally {
    child.kill();
  }
});

test('status of a process that does not exist: exit 3', () => {
  const r = seccomp(['status', '999999999']);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(oneLineError(r), 'seccomp: status: no process 999999999');
});

test('doctor: every check, in text and JSON; exit 0 where filters work', () => {
  const r = seccomp(['doctor', '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const j = json(r);
  assert.equal(j.ok, true);
  const byId = Object.fromEntries(j.checks.map((c: { id: string }) => [c.id, c]));
  for (const id of ['kernel', 'logging', 'libseccomp', 'no_new_privs', 'filters', 'notify', 'bpf_jit', 'io_uring', 'this_process', 'node', 'bun', 'deno']) {
    assert.ok(byId[id], `check ${id}`);
  }
  assert.ok(byId.kernel.detail.actionsAvail.includes('kill_process'));
  assert.match(byId.libseccomp.detail.version, /^2\.\d+\.\d+$/);
  assert.ok(byId.libseccomp.detail.apiLevel >= 1);
  assert.equal(byId.filters.level, 'ok');
  assert.equal(byId.filters.detail.answered, 'EDOM');
  assert.equal(byId.no_new_privs.level, 'ok');
  assert.equal(byId.node.level, 'ok');
  assert.match(byId.bpf_jit.summary, /BPF JIT: /);
  const text = seccomp(['doctor']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ok +kernel +kernel \S+ \(\w+\), actions_avail: /m);
  assert.match(text.stdout, /^ok +filters +a filter with TSYNC loaded in a child: (\d+) of \1 threads in filter mode/m);
  assert.match(text.stdout, /seccomp filters work here\.\n$/);
});
