// The parent side: starts each app as a child process in each mode, reads its JSON lines and
// turns every check and probe into a node:test subtest. lockdown() never runs in this process.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

export const APPS_DIR = fileURLToPath(new URL('..', import.meta.url));
export const MODES = ['control', 'lockdown', 'readonly'];
const MODE_TITLES = { control: 'control (no lockdown)', lockdown: 'lockdown()', readonly: 'lockdown({ readOnlyFs: true })' };

/** The first `rel` found in a node_modules on the way up from here (the workspace root's). */
function fromNodeModules(rel) {
  for (let dir = APPS_DIR; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', rel);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Each runtime's real binary. Not node_modules/.bin: those are wrappers (deno's is a Node
 * script that turns a death by signal into exit code 1), and the signal-exit app is judged by
 * how the process ends.
 */
export const RUNTIMES = {
  node: { argv: (script) => [process.execPath, script] },
  bun: { argv: (script) => [fromNodeModules('bun/bin/bun.exe') ?? 'bun', script] },
  deno: {
    // --allow-all although lockdown() needs only --allow-ffi: each probe must get past Deno's
    // permissions to the kernel, so that every refusal seen is seccomp's. KV needs its flag.
    argv: (script) => [fromNodeModules('deno/deno') ?? 'deno', 'run', '--allow-all', '--unstable-kv', '--quiet', script],
  },
};

/** What a probe must get after lockdown in each mode; before lockdown every probe is allowed. */
const PROBES_AFTER = {
  'exec a program': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'open a raw socket': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'open a vsock socket': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'signal another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'write a new file': { control: 'allowed', lockdown: 'allowed', readonly: 'EPERM' },
  // The self apps (lib/self-app.mjs): what a process may do to itself it must not do to others.
  'setpriority on another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'sched_setaffinity on another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'prlimit64 on another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'tgkill another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'tkill another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'rt_sigqueueinfo another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
  'rt_tgsigqueueinfo another process': { control: 'allowed', lockdown: 'EPERM', readonly: 'EPERM' },
};

/**
 * Why a probe proves nothing here, seen as its "before" round failing: raw sockets need
 * CAP_NET_RAW, and vsock needs a kernel with it. Any other probe must work before lockdown.
 */
/** Whether this process holds CAP_NET_RAW (bit 13 of CapEff); the apps it starts have its credentials. */
function hasNetRaw() {
  const capEff = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${capEff}`) >> 13n) & 1n) === 1n;
}

function probeSkipReason(name, before) {
  // Only a run without the capability may skip: with it, a refusal before lockdown is a failure.
  if (name === 'open a raw socket' && before?.outcome === 'EPERM' && !hasNetRaw()) {
    return 'raw sockets need CAP_NET_RAW, which this user lacks: the kernel refuses them even without lockdown';
  }
  if (name === 'open a vsock socket' && ['EAFNOSUPPORT', 'ENODEV', 'ENOPROTOOPT'].includes(before?.outcome)) {
    return `this kernel has no vsock (${before.outcome} without lockdown)`;
  }
  return undefined;
}

/**
 * Starts `script` under `runtime` in `mode` and collects its protocol lines. `onRecord` sees
 * each record as it arrives (the signal-exit test sends SIGTERM from there).
 */
export function runChild(runtime, script, mode, { timeoutMs = 60_000, onRecord } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'seccomp-apps-'));
  const argv = RUNTIMES[runtime].argv(join(APPS_DIR, script));
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), {
      cwd: APPS_DIR,
      env: { ...process.env, NO_COLOR: '1', APP_MODE: mode, APP_TMP: dir, APP_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const records = [];
    let stdout = '';
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => {
      stderr += `\n[killed by the test: no exit within ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        if (!line.startsWith('{"@"')) continue; // the app's own logging
        const record = JSON.parse(line);
        records.push(record);
        onRecord?.(record, child);
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, signal, records, stdout, stderr, pid: child.pid });
    });
  });
}

/** A failure that reads as the app's story: no stack of this file under it. */
function failureOf(message) {
  const err = new Error(message);
  err.stack = message;
  return err;
}

function tail(text, lines = 15) {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Asserts one run: lockdown as the mode says, every check ok, every probe as expected. */
async function assertRun(t, run, mode, label, { expectSignal }) {
  const { records } = run;
  // Named in every failure: the summary at the end lists failures without their suites.
  const failure = (st, message) => failureOf(`${label} › ${st.name}: ${message}`);
  const context = `exit code ${run.code}, signal ${run.signal}\nstderr (tail):\n${tail(run.stderr)}`;
  await t.test('locked down as the mode says', (st) => {
    const locked = records.find((r) => r['@'] === 'locked');
    if (!locked) throw failure(st, `the app never reached lockdown\n${context}`);
    if (mode === 'control' && locked.lockdown !== null) throw failure(st, 'a control run locked down');
    if (mode !== 'control' && locked.lockdown?.readOnlyFs !== (mode === 'readonly')) throw failure(st, `readOnlyFs is ${locked.lockdown?.readOnlyFs}`);
  });
  for (const r of records.filter((r) => r['@'] === 'check')) {
    await t.test(r.name, (st) => {
      if (!r.ok) throw failure(st, `${r.error} [${r.code}]`);
    });
  }
  const before = new Map(records.filter((r) => r['@'] === 'probe' && r.phase === 'before').map((r) => [r.name, r]));
  for (const r of records.filter((r) => r['@'] === 'probe' && r.phase === 'after')) {
    const expected = PROBES_AFTER[r.name]?.[mode];
    const skip = probeSkipReason(r.name, before.get(r.name));
    await t.test(`probe: ${r.name} → ${expected ?? '?'}`, { skip }, (st) => {
      const b = before.get(r.name);
      if (b?.outcome !== 'allowed') throw failure(st, `before lockdown it was not allowed (${b?.outcome}: ${b?.error}), so the probe proves nothing`);
      if (!expected) throw failure(st, `no expectation for probe "${r.name}"`);
      if (r.outcome !== expected) throw failure(st, `expected ${expected}, got ${r.outcome}${r.error ? ` (${r.error})` : ''}`);
    });
  }
  await t.test(expectSignal ? `ended by ${expectSignal}` : 'finished and exited 0', (st) => {
    if (!records.some((r) => r['@'] === 'done')) throw failure(st, `the app did not finish its checks\n${context}`);
    if (expectSignal ? run.signal !== expectSignal : run.code !== 0) throw failure(st, `expected ${expectSignal ?? 'exit code 0'}; ${context}`);
  });
}

/** The signal-exit app: SIGTERM once it is done; its onExit handler runs; it dies by SIGTERM. */
export const SIGNAL_EXIT = {
  signalOnDone: 'SIGTERM',
  expectSignal: 'SIGTERM',
  async assert(t, run, label) {
    await t.test('the onExit handler ran for SIGTERM', () => {
      const handler = run.records.find((r) => r['@'] === 'exit-handler');
      if (handler?.signal !== 'SIGTERM') throw failureOf(`${label}: the onExit handler saw ${JSON.stringify(handler)}`);
    });
  },
};

/**
 * One describe() per app, one test per mode, one subtest per check and probe. Options:
 * `signalOnDone` is sent to an app that stays up (signal-exit) once it reports "done";
 * `expectSignal` is how it must then end; `assert(t, run, label)` adds the app's own subtests.
 */
export function appSuite(runtime, apps) {
  for (const [script, options = {}] of apps) {
    describe(`${runtime} ${script}`, () => {
      for (const mode of MODES) {
        it(MODE_TITLES[mode], async (t) => {
          const onRecord = options.signalOnDone && ((r, child) => r['@'] === 'done' && child.kill(options.signalOnDone));
          const run = await runChild(runtime, script, mode, { onRecord });
          const label = `${runtime} ${script}, ${MODE_TITLES[mode]}`;
          await assertRun(t, run, mode, label, options);
          await options.assert?.(t, run, label);
        });
      }
    });
  }
}
