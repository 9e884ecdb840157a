/**
 * `seccomp doctor`: can seccomp filters be used here, and with what. Everything that loads a
 * filter is tried in a child process (a filter cannot be removed once loaded).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { release } from 'node:os';
import { apiLevel, libraryVersion, nativeArch, seccomp, status } from '@seccomp/node';
import { nativeOf, versionAtLeast } from '@seccomp/core/internal';
import { expectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit.js';
import { supervise } from '../supervise.js';
import { probeRuntime } from '../runtimes.js';

type Level = 'ok' | 'warn' | 'fail' | 'info';

interface Check {
  id: string;
  level: Level;
  summary: string;
  detail?: Record<string, unknown>;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** What each libseccomp API level adds (seccomp_api_get(3)). */
const API_LEVELS: Record<number, string> = {
  1: 'basic filters',
  2: '+ TSYNC',
  3: '+ log action and flag',
  4: '+ kill-process action',
  5: '+ user notification',
  6: '+ TSYNC with ESRCH',
  7: '+ wait-killable notifications',
};

const NEEDED_ACTIONS = ['kill_process', 'errno', 'user_notif', 'log'];

function kernelChecks(): Check[] {
  const avail = readProc('/proc/sys/kernel/seccomp/actions_avail');
  const logged = readProc('/proc/sys/kernel/seccomp/actions_logged');
  const checks: Check[] = [];
  if (avail === undefined) {
    const mode = /^Seccomp:\s*(\d)/m.exec(readProc('/proc/self/status') ?? '')?.[1];
    checks.push({ id: 'kernel', level: 'fail', summary: `kernel ${release()}: ${mode === undefined ? 'no seccomp support (CONFIG_SECCOMP off, or not Linux)' : 'no /proc/sys/kernel/seccomp (kernel older than 4.14)'}` });
    return checks;
  }
  const actions = avail.split(/\s+/);
  const missing = NEEDED_ACTIONS.filter((a) => !actions.includes(a));
  checks.push({
    id: 'kernel', level: missing.length ? 'warn' : 'ok',
    summary: `kernel ${release()} (${nativeArch()}), actions_avail: ${avail}${missing.length ? ` — missing ${missing.join(', ')}` : ''}`,
    detail: { release: release(), arch: nativeArch(), actionsAvail: actions },
  });
  const loggedList = logged?.split(/\s+/) ?? [];
  checks.push({
    id: 'logging', level: 'info',
    summary: `actions_logged: ${logged ?? '(unreadable)'}${loggedList.includes('errno') ? '' : ' — errno denials never reach the audit log'} (errno, trap and trace are logged only from filters loaded with the log flag)`,
    detail: { actionsLogged: loggedList },
  });
  return checks;
}

function libraryCheck(): Check {
  try {
    const v = libraryVersion();
    const level = apiLevel();
    const old = !versionAtLeast(v, '2.5.0');
    return {
      id: 'libseccomp', level: old ? 'warn' : 'ok',
      summary: `libseccomp ${v.text} (${nativeOf(seccomp).lib.path}), API level ${level}: ${API_LEVELS[level] ?? 'newer than this list'}${old ? ' — 2.5 or newer is needed for user notification' : ''}`,
      detail: { version: v.text, apiLevel: level, path: nativeOf(seccomp).lib.path },
    };
  } catch (err) {
    return { id: 'libseccomp', level: 'fail', summary: (err as Error).message };
  }
}

function selfArgv(...args: string[]): string[] {
  return [...process.execArgv, fileURLToPath(import.meta.url), ...args];
}

function probeChecks(): Check[] {
  const r = spawnSync(process.execPath, selfArgv('__probe'), { encoding: 'utf8', timeout: 30000 });
  let report: Record<string, { ok: boolean; value?: any; error?: string }> | undefined;
  try {
    report = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    report = undefined;
  }
  if (!report) {
    const why = r.error?.message ?? (r.signal ? `killed by ${r.signal}` : (r.stderr.trim().split('\n').pop() ?? `exit status ${r.status}`));
    return [{ id: 'filters', level: 'fail', summary: `the test child failed: ${why}` }];
  }
  const nnp = report.noNewPrivs!;
  const f = report.filter!;
  const checks: Check[] = [
    { id: 'no_new_privs', level: nnp.ok ? 'ok' : 'fail', summary: nnp.ok ? 'NO_NEW_PRIVS can be set (tested in a child process)' : `NO_NEW_PRIVS cannot be set: ${nnp.error}` },
  ];
  if (!f.ok) checks.push({ id: 'filters', level: 'fail', summary: `a filter cannot be loaded here: ${f.error}` });
  else {
    const v = f.value as { answered: string; threads: number; filtered: number; filters?: number };
    const good = v.answered === 'EDOM' && v.filtered === v.threads;
    checks.push({
      id: 'filters', level: good ? 'ok' : 'fail',
      summary: `a filter with TSYNC loaded in a child: ${v.filtered} of ${v.threads} threads in filter mode, getppid answered ${v.answered} as the filter said`,
      detail: v,
    });
  }
  return checks;
}

async function notifyCheck(): Promise<Check> {
  const child = spawn(process.execPath, selfArgv('__learn-child', '--', '/bin/true'), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let calls = 0;
  try {
    const r = await supervise(child, () => calls++);
    if (r.attached && calls > 0 && r.code === 0) {
      return { id: 'notify', level: 'ok', summary: `user notification with continue, through pidfd_getfd: ${calls} calls of /bin/true supervised (what \`learn\` needs)` };
    }
    return { id: 'notify', level: 'warn', summary: `user notification did not work (${stderr.trim().split('\n').pop() || `status ${r.code}`}): \`seccomp learn\` cannot run here` };
  } catch (err) {
    child.kill('SIGKILL');
    return { id: 'notify', level: 'warn', summary: `user notification did not work (${(err as Error).message}): \`seccomp learn\` cannot run here` };
  }
}

function jitCheck(): Check {
  const v = readProc('/proc/sys/net/core/bpf_jit_enable');
  const text: Record<string, string> = { '0': 'off: filters are interpreted (slower syscalls)', '1': 'on', '2': 'on, with debug output' };
  return { id: 'bpf_jit', level: 'info', summary: `BPF JIT: ${v === undefined ? 'unknown (/proc/sys/net/core/bpf_jit_enable unreadable)' : `${text[v] ?? v} (bpf_jit_enable = ${v})`}`, detail: { bpfJitEnable: v ?? null } };
}

function ioUringCheck(): Check {
  const v = readProc('/proc/sys/kernel/io_uring_disabled');
  const text: Record<string, string> = { '0': 'enabled for everyone', '1': 'limited to the io_uring_group', '2': 'disabled' };
  return {
    id: 'io_uring', level: 'info',
    summary: `io_uring: ${v === undefined ? 'no io_uring_disabled sysctl (kernel < 6.6, or no io_uring)' : `${text[v] ?? v} (io_uring_disabled = ${v})`}; its operations are not seen by seccomp filters`,
  };
}

function selfCheck(): Check {
  const st = status();
  const filtered = st.threads.filter((t) => t.mode !== 'disabled').length;
  if (!filtered) return { id: 'this_process', level: 'info', summary: 'this shell\'s processes run without a seccomp filter' };
  return { id: 'this_process', level: 'info', summary: `this process already runs under ${st.threads[0]?.filters ?? 'some'} filter(s) (inherited): new filters stack on top and can only restrict further` };
}

function runtimeChecks(lib: Check): Check[] {
  const node: Check = {
    id: 'node', level: lib.level === 'fail' ? 'fail' : 'ok',
    summary: `node ${process.version}: @seccomp/node (koffi) ${lib.level === 'fail' ? 'cannot open libseccomp' : `opens libseccomp, API level ${(lib.detail as { apiLevel?: number } | undefined)?.apiLevel}`}`,
  };
  const others = (['bun', 'deno'] as const).map((name): Check => {
    const r = probeRuntime(name);
    if (!r.path) return { id: name, level: 'info', summary: `${name}: not found on PATH or in node_modules/.bin` };
    if (r.error) return { id: name, level: 'warn', summary: `${name} ${r.version ?? ''} (${r.path}): its FFI could not open libseccomp: ${r.error}`, detail: { ...r } };
    const ffi = name === 'bun' ? 'bun:ffi' : 'Deno.dlopen';
    return { id: name, level: 'ok', summary: `${name} ${r.version ?? ''} (${r.path}): ${ffi} opens libseccomp, API level ${r.apiLevel}`, detail: { ...r } };
  });
  return [node, ...others];
}

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'can seccomp be used here: kernel, libseccomp, NO_NEW_PRIVS, filters, JIT, runtimes',
  usage: 'seccomp doctor',
  description: `
Checks, in order: the kernel's seccomp actions (actions_avail, actions_logged); libseccomp's
version and API level; whether NO_NEW_PRIVS can be set and a filter loaded with TSYNC (in a
child process, which is then discarded); whether user notification works end to end (what
\`learn\` needs); the BPF JIT; io_uring; whether this process already runs under a filter;
and which runtime backends work: Node always, Bun and Deno when their binaries are found on
PATH or in a node_modules/.bin above the current directory.`,
  options: {},
  exitCodes: [
    [EXIT.ok, 'seccomp filters work here (warnings may remain)'],
    [EXIT.negative, 'a required check failed: filters cannot be used here'],
  ],
  examples: ['seccomp doctor', 'seccomp doctor --json'],
  async run({ positionals, io, json }) {
    expectPositionals(positionals, [], 'doctor');
    const lib = libraryCheck();
    const checks: Check[] = [...kernelChecks(), lib];
    if (lib.level !== 'fail') checks.push(...probeChecks(), await notifyCheck());
    checks.push(jitCheck(), ioUringCheck(), selfCheck(), ...runtimeChecks(lib));
    const failed = checks.some((c) => c.level === 'fail');
    if (json) {
      io.json({ ok: !failed, checks });
      return failed ? EXIT.negative : EXIT.ok;
    }
    const s = io.style;
    const mark: Record<Level, string> = { ok: s.green('ok  '), warn: s.yellow('warn'), fail: s.red('FAIL'), info: s.dim('info') };
    for (const c of checks) io.out(`${mark[c.level]}  ${c.id.padEnd(13)} ${c.summary}`);
    io.out(failed ? s.red('seccomp filters cannot be used here.') : 'seccomp filters work here.');
    return failed ? EXIT.negative : EXIT.ok;
  },
};
