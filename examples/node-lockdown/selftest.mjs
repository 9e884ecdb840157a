// The lockdown examples' self-test (and `pnpm demo`): starts a locked-down server as a child,
// sends normal and malicious requests, prints what was allowed and what was blocked, and exits
// non-zero on any surprise — an attack that got through, a normal request that failed, or a
// server that did not survive. The Bun and Deno examples run it against their own servers.
//   node selftest.mjs          the Node server, filters built by the SDK's compiler at start-up
//   node selftest.mjs --bpf    … and again from a precompiled lockdown.bpf (the cold-start path)
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the self-test sends, in order; every server answers the same API. */
export const REQUESTS = [
  { label: 'say hello', path: '/?action=hello&name=demo', expect: 'allowed', check: (b) => b.message === 'hello demo' },
  { label: 'add numbers (POST)', path: '/', body: { action: 'sum', values: [1, 2, 3] }, expect: 'allowed', check: (b) => b.sum === 6 },
  { label: 'read a file', path: '/?action=read', expect: 'allowed', check: (b) => b.bytes > 0 },
  { label: 'run a shell command', path: '/?action=exec&command=id', expect: 'blocked' },
  { label: 'spawn a process', path: '/?action=spawn', expect: 'blocked' },
  { label: 'write a new file', path: '/?action=write-file', expect: 'blocked' },
  // The kernel itself refuses raw sockets without CAP_NET_RAW: only the control can tell whose refusal it is.
  { label: 'open a raw socket', path: '/?action=raw-socket', expect: 'blocked', needs: { capability: 'CAP_NET_RAW', bit: 13 } },
  { label: 'open a Unix raw socket', path: '/?action=unix-raw-socket', expect: 'blocked' },
  { label: 'say hello again', path: '/?action=hello&name=again', expect: 'allowed', check: (b) => b.message === 'hello again' },
  { label: 'still locked down', path: '/health', expect: 'allowed', check: (b) => b.locked === true },
];

/** A runtime's binary: the workspace's node_modules/.bin copy when there is one. */
export function runtimeBin(name, from = dirname(fileURLToPath(import.meta.url))) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', '.bin', name);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return name;
  }
}

/** Signals the server's whole process group (it leads one: detached). */
function stop(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function startServer(argv, { cwd, env }) {
  return new Promise((resolve, reject) => {
    // Its own process group: `bun` and `deno` in node_modules/.bin are wrappers that start the
    // runtime as a child, and stopping the server must stop that child too.
    const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error('the server did not report ready within 30 s')), 30_000);
    const fail = (e) => {
      clearTimeout(timer);
      stop(child, 'SIGKILL');
      reject(new Error(`${e.message}\nstdout:\n${out}\nstderr:\n${err}`));
    };
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{') && l.includes('"ready"'));
      if (line && out.includes('\n', out.indexOf(line))) {
        clearTimeout(timer);
        resolve({ child, ready: JSON.parse(line), stderr: () => err });
      }
    });
    child.on('exit', (code, signal) => fail(new Error(`the server exited (code ${code}, signal ${signal}) before it was ready`)));
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function send(port, req) {
  const res = await fetch(`http://127.0.0.1:${port}${req.path}`, req.body ? { method: 'POST', body: JSON.stringify(req.body) } : {});
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { text };
  }
  return { status: res.status, body };
}

function verdict(req, got) {
  if (got.error) return { seen: `no answer: ${got.error}`, ok: false };
  const { status, body } = got;
  if (req.expect === 'blocked') {
    const seen = status === 403 ? `blocked (${body.error})` : `NOT BLOCKED (${status})`;
    return { seen, ok: status === 403 && body.error === 'EPERM' };
  }
  const ok = status === 200 && (!req.check || req.check(body));
  return { seen: ok ? `allowed (${status})` : `FAILED (${status} ${JSON.stringify(body).slice(0, 60)})`, ok };
}

function printTable(rows) {
  const all = [['request', 'expected', 'got'], ...rows];
  const w = [0, 1, 2].map((i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => `  ${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`;
  console.log(line(['request', 'expected', 'got', '']));
  console.log(`  ${'-'.repeat(w[0] + w[1] + w[2] + 10)}`);
  for (const r of rows) console.log(line(r));
}

/** Whether this process holds a capability (linux/capability.h bit); the servers it starts have its credentials. */
function hasCapability(bit) {
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${capEff}`) >> BigInt(bit)) & 1n) === 1n;
}

/**
 * The control: the same server with LOCKDOWN=off, where every request the locked run expects
 * blocked must go through — so a refusal there is lockdown's, not an attack that never worked
 * (a missing program, the kernel's own refusal). A request that `needs` a capability this run
 * lacks is refused by the kernel here too: its row in the table then proves nothing, and says
 * so. Prints one line; returns the number of surprises and those unproven rows' reasons.
 */
async function runControl({ argv, cwd, env }) {
  const { child, ready } = await startServer(argv, { cwd, env: { ...env, LOCKDOWN: 'off' } });
  const ran = [];
  const seen = [];
  const unproven = new Map();
  let surprises = 0;
  const surprise = (text) => {
    surprises++;
    seen.push(`SURPRISE: ${text}`);
  };
  try {
    if (ready.lockdown !== null) surprise('the control server locked itself down');
    for (const req of REQUESTS.filter((r) => r.expect === 'blocked')) {
      const got = await send(ready.port, req).catch((e) => ({ error: e.message }));
      if (got.status === 200 && got.body.blocked === false) ran.push(req.label);
      else if (req.needs && !hasCapability(req.needs.bit) && got.status === 403 && got.body.error === 'EPERM') {
        unproven.set(req.label, `without lockdown too: this user lacks ${req.needs.capability}`);
        seen.push(`${req.label}: refused by the kernel itself (this user lacks ${req.needs.capability})`);
      } else surprise(`${req.label} did not run (${got.error ?? `${got.status} ${JSON.stringify(got.body)}`})`);
    }
    const pwned = `/tmp/pwned-${ready.pid}`;
    if (existsSync(pwned)) rmSync(pwned, { force: true });
    else surprise(`${pwned} was not written`);
    const health = await send(ready.port, { path: '/health' }).catch((e) => ({ error: e.message }));
    if (health.body?.locked !== false) surprise(`/health says ${JSON.stringify(health.body ?? health.error)}`);
  } finally {
    stop(child, 'SIGTERM');
  }
  console.log(`  control, the same server without lockdown — ran: ${ran.join(', ') || 'nothing'}`);
  for (const line of seen) console.log(`    ${line}`);
  return { surprises, unproven };
}

/**
 * Starts `argv` (a server that prints a {"ready":true,…} line) once unlocked as the control,
 * then locked: runs REQUESTS against it and prints the table. Returns the number of surprises.
 */
export async function runSelfTest({ title, argv, cwd, env = {} }) {
  console.log(`\n${title}`);
  const control = await runControl({ argv, cwd, env });
  const { child, ready, stderr } = await startServer(argv, { cwd, env });
  const l = ready.lockdown;
  console.log(
    `  locked down in ${l.ms.toFixed(1)} ms via ${l.via}: preset ${l.preset}, ${l.syscalls.allowed} syscalls allowed, ` +
      `${l.syscalls.conditional} with argument checks, ${l.syscalls.denied} denied (${l.action}), ${l.filters} filters / ` +
      `${l.instructions} BPF instructions, ${l.threads} threads verified${l.readOnlyFs ? ', read-only file system' : ''}\n`,
  );
  let surprises = control.surprises;
  const rows = [];
  for (const req of REQUESTS) {
    const got = await send(ready.port, req).catch((e) => ({ error: e.message }));
    const v = verdict(req, got);
    if (!v.ok) surprises++;
    const unproven = control.unproven.get(req.label);
    rows.push([`${req.body ? 'POST' : 'GET '} ${req.path}  (${req.label})`, req.expect, v.seen, !v.ok ? 'SURPRISE' : unproven ? `ok, proves nothing here (refused ${unproven})` : 'ok']);
  }
  printTable(rows);
  const pwned = `/tmp/pwned-${ready.pid}`;
  if (existsSync(pwned)) {
    surprises++;
    console.log(`  SURPRISE: ${pwned} was written`);
    rmSync(pwned, { force: true });
  }
  if (!alive(ready.pid)) {
    surprises++;
    console.log(`  SURPRISE: the server died\n${stderr()}`);
  }
  stop(child, 'SIGTERM');
  console.log(surprises ? `\n  ${surprises} surprise(s)` : '\n  all as expected: normal requests served, every attack refused, server still up');
  return surprises;
}

async function main() {
  const here = dirname(fileURLToPath(import.meta.url));
  let surprises = await runSelfTest({ title: 'Node (node:http + a Lambda-style handler), lockdown({ readOnlyFs: true })', argv: [process.execPath, 'server.mjs'], cwd: here });
  if (process.argv.includes('--bpf')) {
    const dir = mkdtempSync(join(tmpdir(), 'lockdown-bpf-'));
    try {
      const bpf = join(dir, 'lockdown.bpf');
      execFileSync(process.execPath, ['build-bpf.mjs', bpf], { cwd: here, stdio: 'inherit' });
      surprises += await runSelfTest({
        title: 'Node again, loading the precompiled lockdown.bpf with libseccomp unavailable',
        argv: [process.execPath, 'server.mjs'],
        cwd: here,
        env: { LOCKDOWN_BPF: bpf, SECCOMP_LIBRARY_PATH: '/nonexistent/libseccomp.so.2' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.exitCode = surprises ? 1 : 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
