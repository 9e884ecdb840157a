// The child side of every app: how it learns its mode, locks down, runs its checks and the
// attack probes, and reports each result as one JSON line on stdout for the parent to assert.
// Runtime-neutral (Node, Bun and Deno): only node:process and console.log, which all three have.
import process from 'node:process';

/** control: no lockdown · lockdown: lockdown() · readonly: lockdown({ readOnlyFs: true }). */
export const mode = process.env.APP_MODE ?? 'control';
/** A fresh directory per run, made by the parent; the only place an app writes. */
export const tmp = process.env.APP_TMP ?? '.';
/** The test runner's pid: "another process" for the signal probe (signal 0 harms nothing). */
export const parentPid = Number(process.env.APP_PARENT_PID ?? process.ppid);

/** One protocol line. Lines without an "@" key (an app's own logging) are ignored. */
export function emit(kind, fields = {}) {
  console.log(JSON.stringify({ '@': kind, ...fields }));
}

const OS_ERRORS = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 38: 'ENOSYS', 95: 'EOPNOTSUPP', 97: 'EAFNOSUPPORT' };

/**
 * The errno-style code of a failure, however the runtime words it: Node and Bun set `code`;
 * Deno sometimes says only "(os error 1)"; fetch hides the reason in `cause`.
 */
export function errorCode(err) {
  if (typeof err?.code === 'string' && /^E[A-Z0-9]+$/.test(err.code)) return err.code;
  if (typeof err?.info?.code === 'string') return err.info.code; // Node's SystemError (os.setPriority)
  if (err?.cause) {
    const inner = errorCode(err.cause);
    if (inner.startsWith('E')) return inner;
  }
  const os = /os error (\d+)/.exec(String(err?.message ?? ''));
  if (os) return OS_ERRORS[os[1]] ?? `errno ${os[1]}`;
  if (/^E[A-Z]+: /.test(String(err?.message ?? ''))) return err.message.split(':')[0];
  return err?.name ?? typeof err;
}

function describeError(err) {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return err?.cause ? `${text} (cause: ${describeError(err.cause)})` : text;
}

/** A syscall failure from rawSyscall as an Error with the usual `code`. */
export function errnoError(what, errno, errnoName) {
  return Object.assign(new Error(`${what}: errno ${errno}`), { code: errnoName(errno) ?? `errno ${errno}` });
}

/** Rejects after `ms`, so one hung call reports itself instead of hanging the whole app. */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs one thing a real app does; it must work in every mode. Returns fn's value (or undefined). */
export async function check(name, fn, { timeoutMs = 10_000 } = {}) {
  try {
    const detail = await withTimeout(Promise.resolve().then(fn), timeoutMs, name);
    emit('check', { name, ok: true, detail: detail ?? null });
    return detail;
  } catch (err) {
    emit('check', { name, ok: false, code: errorCode(err), error: describeError(err) });
    return undefined;
  }
}

/** Runs one attack probe and reports what happened: "allowed", or the error's code. */
export async function probe(name, phase, fn) {
  try {
    await withTimeout(Promise.resolve().then(fn), 10_000, name);
    emit('probe', { name, phase, outcome: 'allowed' });
  } catch (err) {
    emit('probe', { name, phase, outcome: errorCode(err), error: describeError(err) });
  }
}

const AF_INET = 2;
const AF_VSOCK = 40;
const SOCK_STREAM = 1;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;

/** socket(2) through the SDK; closes what it gets, throws the errno. */
function openSocket(seccomp, what, domain, type, protocol) {
  const r = seccomp.rawSyscall('socket', domain, type, protocol);
  if (r.ret < 0) throw errnoError(what, r.errno, seccomp.errnoName);
  seccomp.rawSyscall('close', r.ret);
}

/**
 * The probes every app runs, before and after lockdown: the runtime supplies how it starts a
 * program, signals a pid and writes a file; sockets go through the SDK's rawSyscall (no
 * runtime has an API for raw or vsock sockets). Each must succeed before lockdown, so a refusal after it
 * is the filter's doing.
 */
export function attackProbes(seccomp, { exec, kill, writeFile }) {
  return {
    'exec a program': () => exec('/bin/true'),
    'open a raw socket': () => openSocket(seccomp, 'socket(AF_INET, SOCK_RAW)', AF_INET, SOCK_RAW, IPPROTO_ICMP),
    // A domain no serverless handler needs; in a Firecracker microVM it is a channel to the
    // host. Unlike a raw socket it needs no privilege, so it proves something for any user.
    'open a vsock socket': () => openSocket(seccomp, 'socket(AF_VSOCK, SOCK_STREAM)', AF_VSOCK, SOCK_STREAM, 0),
    'signal another process': () => kill(parentPid, 0),
    'write a new file': (phase) => writeFile(`${tmp}/new-file-${phase}.txt`, 'written'),
  };
}

async function runProbes(probes, phase) {
  for (const [name, fn] of Object.entries(probes)) await probe(name, phase, () => fn(phase));
}

/**
 * The life of every app: set up (listen, open files) → probes → lockdown for the mode →
 * the app's checks → probes again → "done". `setup` returns what `exercise` needs (and
 * `probes`, when it is a function of it); its `close` (if any) runs at the end, and the
 * process then exits — unless `wait` says the parent ends it.
 */
export async function runApp({ seccomp, probes, setup, exercise, exit = (code) => process.exit(code) }) {
  const ctx = (await setup()) ?? {};
  if (typeof probes === 'function') probes = probes(ctx);
  await runProbes(probes, 'before');
  if (mode === 'control') {
    emit('locked', { mode, lockdown: null });
  } else {
    const r = seccomp.lockdown(mode === 'readonly' ? { readOnlyFs: true } : {});
    emit('locked', { mode, lockdown: { preset: r.preset, readOnlyFs: r.readOnlyFs, threads: r.threads, ms: Math.round(r.ms) } });
  }
  await exercise(ctx);
  await runProbes(probes, 'after');
  emit('done');
  if (ctx.wait) return; // the app stays up until the parent signals it (signal-exit)
  await ctx.close?.();
  // Servers, pools and watchers may still hold the loop; the report is complete.
  exit(0);
}
