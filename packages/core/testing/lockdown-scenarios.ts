/**
 * The lockdown suite's child processes: each starts the runtime's own HTTP server, calls
 * lockdown() (or not, for the controls), tries every denied capability and reports what the
 * kernel answered, then shows the process still serves. See lockdown-suite.ts for the
 * expectations.
 */
import type { ScenarioApi, Scenario } from './scenario-types.js';
import { attacks, FS_IOC_FSGETXATTR, FS_IOC_GETFLAGS, type AttackPaths, type AttackResult, type AttackTargets } from './attack/attacks.js';
import { loadHelper, type HelperFunction } from './attack/ffi.js';

type Runtime = 'node' | 'bun' | 'deno';
type AnyFn = (...args: any[]) => any;
const g = globalThis as any;

function runtime(): Runtime {
  return g.Deno ? 'deno' : g.Bun ? 'bun' : 'node';
}

const EPERM = 1;

/** An error's errno name, digging where each runtime keeps it (Deno: "(os error 1)"). */
function errorCode(err: unknown): string {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: unknown; error?: unknown } | undefined;
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  const m = /os error (\d+)/.exec(e?.message ?? '');
  if (m) return Number(m[1]) === EPERM ? 'EPERM' : `errno ${m[1]}`;
  if (/operation not permitted/i.test(e?.message ?? '')) return 'EPERM';
  if (e?.cause) return errorCode(e.cause);
  if (e?.error) return errorCode(e.error);
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

/** 'ran' when the call succeeded, else the error's code. */
async function outcome(fn: () => unknown): Promise<string> {
  try {
    await fn();
    return 'ran';
  } catch (err) {
    return errorCode(err);
  }
}

async function startServer(): Promise<{ port: number; close(): void }> {
  const hello = `hello from ${runtime()}`;
  if (runtime() === 'bun') {
    const server = g.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response(hello) });
    return { port: server.port, close: () => server.stop(true) };
  }
  if (runtime() === 'deno') {
    const server = g.Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, () => new Response(hello));
    return { port: server.addr.port, close: () => void server.shutdown() };
  }
  const { createServer } = await import('node:http');
  const server = createServer((_req, res) => res.end(hello));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

async function prepareFiles(): Promise<AttackPaths & { dir: string; preopened: number }> {
  const [fs, os, path] = await Promise.all([import('node:fs'), import('node:os'), import('node:path')]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seccomp-lockdown-'));
  const file = (name: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, `${name}\n`);
    return p;
  };
  const paths = { newFile: path.join(dir, 'new-file'), existing: file('existing'), unlinkVictim: file('unlink-me'), renameVictim: file('rename-me') };
  // Opened for writing before lockdown: readOnlyFs must leave it usable.
  return { ...paths, dir, preopened: fs.openSync(path.join(dir, 'log'), 'a') };
}

/** How a runtime-API attack ended: its error (or 'ran'), and whether the program it started left its mark. */
export interface ApiAttackResult {
  outcome: string;
  ran: boolean;
}

/** What a handler would try through the runtime's own APIs. Each program writes a marker file if it runs. */
async function runtimeAttacks(paths: AttackPaths & { dir: string }, readOnlyFs: boolean): Promise<Record<string, ApiAttackResult>> {
  const cp = await import('node:child_process');
  const fs = await import('node:fs');
  const out: Record<string, ApiAttackResult> = {};
  let n = 0;
  const program = async (name: string, start: (argv: string[]) => unknown) => {
    const marker = `${paths.dir}/ran-${n++}`;
    const result = await outcome(() => start(['/bin/sh', '-c', `echo ran > ${marker}`]));
    out[name] = { outcome: result, ran: fs.existsSync(marker) };
  };
  const exited = (child: { on(e: string, f: AnyFn): unknown }) =>
    new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', () => resolve());
    });
  await program('child_process.execSync', (argv) => cp.execSync(argv[2]!, { stdio: 'pipe' }));
  await program('child_process.spawn', (argv) => exited(cp.spawn(argv[0]!, argv.slice(1), { stdio: 'ignore' })));
  await program('child_process.exec', (argv) => new Promise((resolve, reject) => cp.exec(argv[2]!, (err) => (err ? reject(err) : resolve(undefined)))));
  if (runtime() === 'bun') {
    await program('Bun.spawnSync', (argv) => {
      const r = g.Bun.spawnSync(argv);
      if (!r.success) throw new Error(`exit ${r.exitCode}`);
    });
    await program('Bun.spawn', async (argv) => g.Bun.spawn(argv, { stdout: 'ignore' }).exited);
  }
  if (runtime() === 'deno') {
    await program('Deno.Command.outputSync', (argv) => new g.Deno.Command(argv[0], { args: argv.slice(1) }).outputSync());
    await program('Deno.Command.spawn', async (argv) => new g.Deno.Command(argv[0], { args: argv.slice(1), stdout: 'null' }).spawn().status);
  }
  if (readOnlyFs) {
    const write = async (name: string, path: string, fn: () => unknown) => {
      out[name] = { outcome: await outcome(fn), ran: fs.existsSync(path) };
    };
    await write('fs.writeFileSync(new file)', `${paths.newFile}.sync`, () => fs.writeFileSync(`${paths.newFile}.sync`, 'x'));
    // The thread pool's path: every thread carries the filter (TSYNC).
    await write('fs.promises.writeFile(new file)', `${paths.newFile}.async`, () => fs.promises.writeFile(`${paths.newFile}.async`, 'x'));
    await write('fs.mkdirSync', `${paths.newFile}.dir`, () => fs.mkdirSync(`${paths.newFile}.dir`));
    out['fs.appendFileSync(existing)'] = { outcome: await outcome(() => fs.appendFileSync(paths.existing, 'x')), ran: fs.readFileSync(paths.existing, 'utf8').endsWith('x') };
    if (runtime() === 'bun') await write('Bun.write(new file)', `${paths.newFile}.bun`, () => g.Bun.write(`${paths.newFile}.bun`, 'x'));
    if (runtime() === 'deno') await write('Deno.writeTextFile(new file)', `${paths.newFile}.deno`, () => g.Deno.writeTextFile(`${paths.newFile}.deno`, 'x'));
  }
  return out;
}

/** Ordinary work after lockdown: serving, reading, writing to a descriptor opened before, a new thread. */
async function normalWork(api: ScenarioApi, port: number, paths: AttackPaths & { preopened: number }): Promise<Record<string, unknown>> {
  const fs = await import('node:fs');
  const out: Record<string, unknown> = {};
  const fetchText = async (url: string) => (await fetch(url)).text();
  out.http = await fetchText(`http://127.0.0.1:${port}/`).catch((e) => `failed: ${errorCode(e)}`);
  out.httpAgain = await fetchText(`http://127.0.0.1:${port}/again`).catch((e) => `failed: ${errorCode(e)}`);
  out.readSync = fs.readFileSync(paths.existing, 'utf8').length > 0;
  out.readAsync = (await fs.promises.readFile(paths.existing, 'utf8')).length > 0;
  out.writePreopened = await outcome(() => fs.writeSync(paths.preopened, 'still logging\n'));
  out.thread = await outcome(async () => {
    const { Worker } = await import('node:worker_threads');
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage(6 * 7)', { eval: true });
    const answer = await new Promise((resolve, reject) => {
      worker.on('message', resolve);
      worker.on('error', reject);
    });
    await worker.terminate();
    if (answer !== 42) throw new Error(`worker answered ${String(answer)}`);
  });
  out.netlinkSocket = closeFd(api, api.rawSyscall('socket', 16, 3, 0));
  out.inetSocket = closeFd(api, api.rawSyscall('socket', 2, 1, 0));
  out.sockets = allowedSockets(api);
  out.self = selfWork(api);
  out.unknownSyscall = api.rawSyscall(1023);
  const st = api.status();
  out.status = { allFiltered: st.allFiltered, threads: st.threads.map((t) => ({ name: t.name, seccomp: t.seccomp, filters: t.filters })) };
  return out;
}

/** Taken before lockdown: the parent (the test runner) as the other process, and a read-only descriptor. */
async function attackTargets(api: ScenarioApi, existing: string): Promise<AttackTargets> {
  const fs = await import('node:fs');
  const ppid = api.rawSyscall('getppid').ret;
  const mask = new Uint8Array(128);
  const size = api.rawSyscall('sched_getaffinity', ppid, mask.length, mask).ret;
  const readOnlyFd = fs.openSync(existing, 'r');
  const fileFlags = new Uint8Array(8);
  const fileAttr = new Uint8Array(28);
  // A file system without these ioctls answers ENOTTY; the zeros then reach the kernel the same way.
  api.rawSyscall('ioctl', readOnlyFd, FS_IOC_GETFLAGS, fileFlags);
  api.rawSyscall('ioctl', readOnlyFd, FS_IOC_FSGETXATTR, fileAttr);
  return { ppid, parentPriority: api.rawSyscall('getpriority', 0, ppid).ret, parentAffinity: mask.slice(0, Math.max(size, 8)), readOnlyFd, fileFlags, fileAttr };
}

/** What a process may still do to itself: signal, priority, affinity, limits (self.ts). */
function selfWork(api: ScenarioApi): Record<string, AttackResult> {
  const pid = api.rawSyscall('getpid').ret;
  const mask = new Uint8Array(128);
  const size = api.rawSyscall('sched_getaffinity', 0, mask.length, mask).ret;
  const prio = api.rawSyscall('getpriority', 0, 0).ret;
  return {
    'kill(self, 0)': api.rawSyscall('kill', pid, 0),
    'tgkill(self, self, 0)': api.rawSyscall('tgkill', pid, pid, 0),
    'tkill(self, 0)': api.rawSyscall('tkill', pid, 0),
    'getpriority(PRIO_PROCESS, 0)': zeroRet(api.rawSyscall('getpriority', 0, 0)),
    'getpriority(PRIO_PROCESS, self)': zeroRet(api.rawSyscall('getpriority', 0, pid)),
    'setpriority(PRIO_PROCESS, 0, same)': api.rawSyscall('setpriority', 0, 0, 20 - prio),
    'setpriority(PRIO_PROCESS, self, same)': api.rawSyscall('setpriority', 0, pid, 20 - prio),
    'sched_setaffinity(0, same)': api.rawSyscall('sched_setaffinity', 0, size, mask),
    'sched_setaffinity(self, same)': api.rawSyscall('sched_setaffinity', pid, size, mask),
    'prlimit64(0, RLIMIT_NOFILE)': api.rawSyscall('prlimit64', 0, 7, null, new Uint8Array(16)),
    'prlimit64(self, RLIMIT_NOFILE)': api.rawSyscall('prlimit64', pid, 7, null, new Uint8Array(16)),
  };
}

/** A result whose value is not 0 on success (a priority) as { ret: 0 } when it succeeded. */
function zeroRet(r: AttackResult): AttackResult {
  return r.ret >= 0 ? { ret: 0, errno: 0 } : r;
}

/** Every socket form lockdown's table allows (sockets.ts), with SOCK_NONBLOCK|SOCK_CLOEXEC where libraries pass them. */
function allowedSockets(api: ScenarioApi): Record<string, AttackResult> {
  const FLAGS = 0o4000 | 0o2000000;
  const open = (domain: number, type: number, protocol: number) => closeFd(api, api.rawSyscall('socket', domain, type, protocol));
  const pair = new Uint8Array(8);
  const sp = api.rawSyscall('socketpair', 1, 1 | FLAGS, 0, pair);
  if (sp.ret === 0) for (const i of [0, 4]) api.rawSyscall('close', new DataView(pair.buffer).getInt32(i, true));
  return {
    'AF_INET, SOCK_STREAM, IPPROTO_TCP': open(2, 1 | FLAGS, 6),
    'AF_INET, SOCK_DGRAM': open(2, 2 | FLAGS, 0),
    'AF_INET, SOCK_DGRAM, IPPROTO_UDP': open(2, 2, 17),
    'AF_INET6, SOCK_STREAM': open(10, 1 | FLAGS, 0),
    'AF_INET6, SOCK_DGRAM': open(10, 2, 0),
    'AF_UNIX, SOCK_STREAM': open(1, 1 | FLAGS, 0),
    'AF_UNIX, SOCK_DGRAM': open(1, 2 | FLAGS, 0),
    'AF_UNIX, SOCK_SEQPACKET': open(1, 5, 0),
    'AF_NETLINK, SOCK_RAW|SOCK_CLOEXEC, NETLINK_ROUTE': open(16, 3 | 0o2000000, 0),
    'AF_NETLINK, SOCK_DGRAM, NETLINK_ROUTE': open(16, 2, 0),
    'socketpair(AF_UNIX, SOCK_STREAM)': sp,
  };
}

function closeFd(api: ScenarioApi, r: AttackResult): AttackResult {
  if (r.ret >= 0) api.rawSyscall('close', r.ret);
  return r;
}

async function helperFor(params: { helper: string; packageUrl: string }) {
  return loadHelper(params.helper, params.packageUrl);
}

interface AttackParams {
  helper: string;
  packageUrl: string;
  /** false: the control run, without lockdown. */
  lock: boolean;
  readOnlyFs?: boolean;
  x86_64: boolean;
  /** Attacks whose syscall this arch does not have (attacks.ts, `syscall`): not tried. */
  absent?: string[];
  /** The URL of the lean entry (…/lockdown) to lock down with, instead of the main entry. */
  lean?: string;
}

/** The entry lockdown() is called through: the lean one when the parent names it. */
async function lockingEntry(api: ScenarioApi, lean: string | undefined): Promise<Pick<ScenarioApi, 'lockdown'>> {
  return lean ? ((await import(lean)) as Pick<ScenarioApi, 'lockdown'>) : api;
}

/** What the lean entry (…/lockdown) exports, as a child that imported only it sees it. */
type LeanApi = Pick<ScenarioApi, 'lockdown' | 'compileLockdown' | 'status' | 'LockdownRefusedError' | 'SeccompError'>;

export const LOCKDOWN_SCENARIOS: Record<string, Scenario> = {
  /** lockdown({ readOnlyFs }), then every attack, then ordinary work. */
  async lockdownAttacks(api, params: AttackParams, report) {
    const helper = await helperFor(params);
    const paths = await prepareFiles();
    const targets = await attackTargets(api, paths.existing);
    const server = await startServer();
    const entry = await lockingEntry(api, params.lean);
    const result = params.lock ? entry.lockdown({ readOnlyFs: params.readOnlyFs ?? false }) : undefined;
    report({ locked: params.lock, result });
    const raw: Record<string, AttackResult & { blocked: string; kernel?: boolean }> = {};
    for (const a of attacks(paths, targets)) {
      if ((a.readOnlyFs && !params.readOnlyFs) || (a.x86_64 && !params.x86_64) || (a.replaces && !params.lock)) continue;
      if (params.absent?.includes(a.name)) continue;
      const r = a.run(api, helper);
      if (!params.lock && a.fd) closeFd(api, r);
      raw[a.name] = { ...r, blocked: a.blocked, ...(a.kernel ? { kernel: true } : {}) };
    }
    const apis = await runtimeAttacks(paths, params.readOnlyFs ?? false);
    const normal = await normalWork(api, server.port, paths);
    server.close();
    return { runtime: runtime(), result, raw, apis, normal };
  },

  /** One helper call that must kill a locked process (i386, x32) or replace an unlocked one (execve). */
  async lockdownHelperCall(api, params: { helper: string; packageUrl: string; fn: HelperFunction; lock: boolean }, report) {
    const helper = await helperFor(params);
    if (params.lock) api.lockdown();
    report({ locked: params.lock });
    const rc = helper[params.fn]();
    report({ returned: rc });
    return rc;
  },

  /** An io_uring ring set up first: lockdown must refuse and leave the process unfiltered. */
  lockdownWithIoUring(api) {
    const ring = api.rawSyscall('io_uring_setup', 8, new Uint8Array(120));
    let error: unknown;
    try {
      api.lockdown();
    } catch (err) {
      const e = err as { name?: string; reason?: string; fds?: number[]; code?: string; message?: string };
      error = { name: e.name, reason: e.reason, fds: e.fds, code: e.code, message: e.message };
    }
    return { ring, error, seccomp: api.status().threads.map((t) => t.seccomp) };
  },

  /** An outer filter blocks seccomp(2) or prctl, as a container's profile might: lockdown refuses. */
  lockdownBlocked(api, { block }: { block: 'seccomp' | 'prctl' }) {
    api.loadProfile({ defaultAction: api.Action.allow, rules: [{ syscalls: [block], action: api.Action.errno('EPERM') }] });
    const before = api.status().threads.map((t) => t.filters);
    let error: unknown;
    try {
      api.lockdown();
    } catch (err) {
      const e = err as { name?: string; reason?: string; message?: string };
      error = { name: e.name, reason: e.reason, message: e.message };
    }
    return { error, before, after: api.status().threads.map((t) => t.filters) };
  },

  /** compileLockdown(options) as bytes, for the parent to decode and emulate; loads nothing. */
  lockdownCompile(api, { options }: { options?: Record<string, unknown> }) {
    return Array.from(api.compileLockdown(options as never));
  },

  /** The cold-start path: a precompiled set, loaded where libseccomp cannot be opened. */
  async lockdownFromBpf(api, { bpf }: { bpf: number[] }) {
    const server = await startServer();
    const result = api.lockdown({ bpf: new Uint8Array(bpf) });
    let library: string;
    try {
      library = api.libraryVersion().text;
    } catch (err) {
      library = (err as Error).name;
    }
    const ptrace = api.rawSyscall('ptrace', 16, 0x3fffffff);
    const http = await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    server.close();
    return { result, library, ptrace, http, allFiltered: api.status().allFiltered };
  },

  /**
   * lockdown() where libseccomp cannot be opened: the SDK's compiler builds the filters;
   * via: 'libseccomp' must fail before anything is installed.
   */
  async lockdownNoLibrary(api) {
    const library = attemptName(() => api.libraryVersion());
    const viaLibseccomp = attemptName(() => api.lockdown({ via: 'libseccomp' }));
    const filteredBefore = api.status().threads.some((t) => t.seccomp !== 0);
    const server = await startServer();
    const result = api.lockdown();
    const ptrace = api.rawSyscall('ptrace', 16, 0x3fffffff);
    const http = await (await fetch(`http://127.0.0.1:${server.port}/`)).text();
    server.close();
    return { library, viaLibseccomp, filteredBefore, result, ptrace, http, allFiltered: api.status().allFiltered };
  },

  /**
   * dryRun: the filters are in place and log, but nothing is refused. The last call, a ptrace
   * lockdown would refuse, is the marker the parent waits for in the kernel log (kmsg.ts).
   */
  lockdownDryRun(api) {
    const result = api.lockdown({ dryRun: true });
    const out = {
      result,
      pid: api.rawSyscall('getpid').ret,
      personality: api.rawSyscall('personality', 0xffffffff),
      packet: closeFd(api, api.rawSyscall('socket', 17, 3, 0)),
      // AF_UNIX with SOCK_RAW (the kernel makes it a datagram socket): refused by lockdown, open to any user.
      unixRaw: closeFd(api, api.rawSyscall('socket', 1, 3, 0)),
      allFiltered: api.status().allFiltered,
    };
    return { ...out, ptrace: api.rawSyscall('ptrace', 16, 0x3fffffff) };
  },

  /** action killProcess: io_uring still answers EPERM (never killed), ptrace kills. */
  lockdownKill(api, _params, report) {
    api.lockdown({ action: 'killProcess' });
    report({ ioUring: api.rawSyscall('io_uring_setup', 1, new Uint8Array(120)) });
    const r = api.rawSyscall('ptrace', 16, 0x3fffffff);
    report({ survived: r });
    return r;
  },

  /**
   * The signal-exit pattern: a SIGTERM handler that cleans up, removes itself and re-raises
   * the signal to its own process, so the process ends by the signal. The parent sends SIGTERM
   * once `ready` is reported; a process that survives the re-raise exits 3.
   */
  async lockdownSignalSelf(api, { lock }: { lock: boolean }, report) {
    const proc = g.process as { pid: number; on(s: string, f: AnyFn): void; removeListener(s: string, f: AnyFn): void; kill(pid: number, s: string): void };
    const onTerm = () => {
      proc.removeListener('SIGTERM', onTerm);
      try {
        proc.kill(proc.pid, 'SIGTERM');
      } catch (err) {
        report({ reraise: errorCode(err) });
      }
    };
    proc.on('SIGTERM', onTerm);
    if (lock) api.lockdown();
    report({ ready: true, pid: proc.pid });
    await new Promise((resolve) => setTimeout(resolve, 5000));
    report({ survived: true });
    return 'survived';
  },

  /** logDenials: one refused call (ptrace), then the marker, reported with this process's id, for the parent to find in the kernel log. */
  lockdownLogged(api, { logDenials }: { logDenials: boolean }) {
    // A filter of its own logs getuid, the marker the parent waits for in the kernel log.
    api.loadProfile({ defaultAction: api.Action.allow, rules: [{ syscalls: ['getuid'], action: api.Action.log }] });
    const result = api.lockdown({ logDenials });
    const ptrace = api.rawSyscall('ptrace', 16, 0x3fffffff);
    api.rawSyscall('getuid');
    return { logDenials: result.logDenials, ptrace, pid: api.rawSyscall('getpid').ret };
  },

  /**
   * A child that imports the lean entry (…/lockdown) and nothing else of the SDK: lockdown()
   * from it (or lockdown({ bpf }) with a compileLockdown() set), what the runtime's own APIs
   * can still do, then the main entry, whose error classes must be the lean entry's own.
   */
  async lockdownLean(leanApi, params: { main: string; readOnlyFs: boolean; bpf?: number[] }) {
    const api = leanApi as unknown as LeanApi;
    const paths = await prepareFiles();
    const server = await startServer();
    const result = api.lockdown(params.bpf ? { bpf: new Uint8Array(params.bpf) } : { readOnlyFs: params.readOnlyFs });
    const apis = await runtimeAttacks(paths, params.readOnlyFs);
    const http = await fetch(`http://127.0.0.1:${server.port}/`).then((r) => r.text()).catch((e) => `failed: ${errorCode(e)}`);
    server.close();
    const status = api.status();
    const main = (await import(params.main)) as ScenarioApi;
    let again: unknown;
    try {
      main.lockdown();
      again = 'installed';
    } catch (err) {
      const e = err as { name?: string; reason?: string };
      again = { name: e.name, reason: e.reason, main: err instanceof main.LockdownRefusedError, lean: err instanceof api.LockdownRefusedError };
    }
    const sameClasses = main.LockdownRefusedError === api.LockdownRefusedError && main.SeccompError === api.SeccompError;
    return { result, apis, http, allFiltered: status.allFiltered, threads: status.threads.length, again, sameClasses };
  },

  /** Argument mistakes are thrown before anything is loaded. */
  lockdownArgumentErrors(api) {
    const names: Record<string, unknown> = {};
    const tryIt = (label: string, fn: AnyFn) => {
      try {
        fn();
        names[label] = 'no error';
      } catch (err) {
        names[label] = { name: (err as Error).name, message: (err as Error).message };
      }
    };
    tryIt('allowExecve', () => api.lockdown({ allow: ['execve'] }));
    tryIt('killThread', () => api.lockdown({ action: 'killThread' }));
    tryIt('bpfWithPreset', () => api.lockdown({ bpf: new Uint8Array(8), preset: 'node' }));
    tryIt('notABpf', () => api.lockdown({ bpf: new Uint8Array(64) }));
    return { errors: names, seccomp: api.status().threads.map((t) => t.seccomp) };
  },
};

/** The name of what `f` threw, or 'ok'. */
function attemptName(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (err) {
    return (err as Error).name;
  }
}
