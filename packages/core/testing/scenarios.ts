/**
 * What a child process does, one function per scenario. Each loads a filter into the real
 * kernel, then makes real syscalls and reports what the kernel answered. Scenarios use the
 * runtime package's public API only (the same exports on Node, Bun and Deno).
 */
import { runCorpus } from './corpus.js';
import { corpusProbePlans } from './corpus-probes.js';
import type { Scenario, ScenarioApi } from './scenario-types.js';
import { errorReport } from './reports.js';
// Pure helpers the public API does not export, taken from core's internals directly.
import { BPF_K, BPF_RET, HOST_ENDIAN, stmt } from '../src/internal.js';

export type { Report, Scenario, ScenarioApi } from './scenario-types.js';

/** Seven syscalls that ignore their arguments: one per condition under test, so rules never overlap. */
export const PROBES = ['getppid', 'getpid', 'getuid', 'getgid', 'geteuid', 'getegid', 'gettid'] as const;

/** One condition on argument 0 (values as decimal or 0x strings) and the raw arguments to try. */
export interface CompareCase {
  width: 32 | 64;
  op: 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'maskedEq';
  value: string;
  mask?: string;
  args: string[];
}

/** Built through the public builders, as a user would write it. */
function compareCondition(api: ScenarioApi, c: CompareCase) {
  const b = (c.width === 32 ? api.arg32 : api.arg)(0);
  return c.op === 'maskedEq' ? b.maskedEq(BigInt(c.mask!), BigInt(c.value)) : b[c.op](BigInt(c.value));
}

/** What the raw loader needs from linux/seccomp.h and linux/prctl.h. */
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
const PR_SET_NO_NEW_PRIVS = 38;
/** Room for the longest program a test hands the kernel (4097 instructions of 8 bytes). */
const RAW_BYTES = 40960;

function must(r: { ret: number; errno: number }, what: string): number {
  if (r.ret === -1) throw new Error(`${what} failed: errno ${r.errno}`);
  return r.ret;
}

/**
 * A place the kernel can read a program from, and its address: rawSyscall passes a
 * Uint8Array's address but never reveals it, so the bytes go through a pipe into memory this
 * child mapped itself, at the address mmap returned.
 */
function rawMemory(api: ScenarioApi): (bytes: Uint8Array) => bigint {
  const address = BigInt(must(api.rawSyscall('mmap', 0, RAW_BYTES, 3 /* READ|WRITE */, 0x22 /* PRIVATE|ANONYMOUS */, -1, 0), 'mmap'));
  const fds = new Int32Array(2);
  must(api.rawSyscall('pipe2', new Uint8Array(fds.buffer), 0), 'pipe2');
  return (bytes) => {
    if (bytes.length > RAW_BYTES) throw new RangeError(`${bytes.length} bytes do not fit in ${RAW_BYTES}`);
    if (bytes.length && must(api.rawSyscall('write', fds[1]!, bytes, bytes.length), 'write') !== bytes.length) throw new Error('short write');
    if (bytes.length && must(api.rawSyscall('read', fds[0]!, address, bytes.length), 'read') !== bytes.length) throw new Error('short read');
    return address;
  };
}

/** seccomp(SECCOMP_SET_MODE_FILTER) on the bytes as given: nothing checks them before the kernel. */
function rawLoad(api: ScenarioApi, place: (bytes: Uint8Array) => bigint, bytes: Uint8Array, flags: number) {
  const fprog = new Uint8Array(16); // struct sock_fprog: u16 len, padding, the filter's address
  const view = new DataView(fprog.buffer);
  view.setUint16(0, bytes.length / 8, HOST_ENDIAN === 'little');
  view.setBigUint64(8, place(bytes), HOST_ENDIAN === 'little');
  return api.rawSyscall('seccomp', SECCOMP_SET_MODE_FILTER, flags, fprog);
}

const fromHex = (hex: string) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));

export interface KernelBpfParams {
  /** Each program as hex (host byte order), loaded in order. */
  programs: string[];
  /** Syscalls by name or number, with raw 64-bit arguments (decimal or 0x). */
  calls?: { nr: string | number; args: string[] }[];
  /** Ask the kernel to check each program without installing it (see kernelBpf). */
  dryRun?: boolean;
  /** A SIGSYS listener, so a trap is survived and only a kill ends the process. */
  handleSigsys?: boolean;
}

function attempt(fn: () => unknown) {
  try {
    return { ok: true as const, value: fn() };
  } catch (err) {
    return { ok: false as const, error: errorReport(err) };
  }
}

async function attemptAsync(fn: () => Promise<unknown>) {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

function writeLine(api: ScenarioApi, text: string): void {
  // A raw write(2): in strict mode even the runtime's own stdout path may be fatal.
  api.rawSyscall('write', 1, new TextEncoder().encode(`${text}\n`), text.length + 1);
}

const node = {
  fs: () => import('node:fs'),
  os: () => import('node:os'),
  path: () => import('node:path'),
};

async function tempDir(): Promise<string> {
  const [{ mkdtempSync }, { tmpdir }, { join }] = await Promise.all([node.fs(), node.os(), node.path()]);
  return mkdtempSync(join(tmpdir(), 'seccomp-test-'));
}

export const SCENARIOS: Record<string, Scenario> = {
  /** One action on getppid; the parent judges how the child ended. */
  action(api, { action, handleSigsys }: { action: string; handleSigsys?: boolean }, report) {
    const proc = (globalThis as any).process;
    if (handleSigsys) proc.on('SIGSYS', () => report({ sigsys: true }));
    const act = api.parseAction(action);
    // The default refuses with an errno no other test uses, and every other syscall the
    // tables and the loaded libseccomp know is allowed: so getppid shows the rule's own
    // action — with the rule dropped it would answer errno 55 — while the runtime goes on.
    const filter = new api.SyscallFilter(api.Action.errno(55));
    // getuid is logged, as the marker the parent waits for in the kernel log (kmsg.ts).
    for (const name of api.syscallNames(api.nativeArch())) {
      if (name !== 'getppid' && name !== 'getuid' && api.syscallResolveName(name) >= 0) filter.addRule(api.Action.allow, name);
    }
    filter.addRule(api.Action.log, 'getuid');
    filter.addRule(act, 'getppid').load();
    report({ loaded: true, pid: api.rawSyscall('getpid').ret });
    const r = api.rawSyscall('getppid');
    report({ syscall: r });
    api.rawSyscall('getuid');
    if (handleSigsys) return new Promise((res) => setTimeout(() => res(r), 300));
    return r;
  },

  /**
   * Up to seven conditions on argument 0, one probe syscall each (rule: errno 77), then each
   * probe made with each of its case's raw 64-bit arguments: first unfiltered (the control:
   * every call must run), then under the filter built by libseccomp or by the SDK's own
   * compiler (`via`). Returns the errnos, case by case.
   */
  compare(api, { cases, via }: { cases: CompareCase[]; via: 'libseccomp' | 'typescript' }) {
    if (cases.length > PROBES.length) throw new RangeError(`at most ${PROBES.length} cases per child, got ${cases.length}`);
    const calls = () => cases.map((c, i) => c.args.map((v) => api.rawSyscall(PROBES[i]!, BigInt(v)).errno));
    const before = calls();
    if (via === 'libseccomp') {
      const filter = new api.SyscallFilter(api.Action.allow);
      cases.forEach((c, i) => filter.addRule(api.Action.errno(77), PROBES[i]!, compareCondition(api, c)));
      filter.load();
    } else {
      const rules = cases.map((c, i) => ({ action: api.Action.errno(77), syscalls: [PROBES[i]!], conditions: [compareCondition(api, c)] }));
      api.loadProfile({ defaultAction: api.Action.allow, rules }, { via: 'typescript' });
    }
    return { before, after: calls() };
  },

  /** Threadpool I/O with TSYNC off or on. */
  async tsync(api, { tsync }: { tsync: boolean }) {
    const fs = await node.fs();
    const dir = await tempDir();
    // Make sure the runtime's pool threads exist before the filter is loaded.
    await Promise.all(Array.from({ length: 8 }, () => fs.promises.stat(dir)));
    const filter = new api.SyscallFilter(api.Action.allow, { tsync });
    filter.addRule(api.Action.errno('EPERM'), 'mkdir').addRule(api.Action.errno('EPERM'), 'mkdirat').load();
    const sync = attempt(() => fs.mkdirSync(`${dir}/sync`));
    const promises = await attemptAsync(() => fs.promises.mkdir(`${dir}/promises`));
    const callback = await attemptAsync(() => new Promise<void>((res, rej) => fs.mkdir(`${dir}/callback`, (e: unknown) => (e ? rej(e) : res()))));
    return { sync: sync.ok ? 'ok' : sync.error.message?.includes('EPERM') ? 'EPERM' : sync.error.code, promises, callback, status: api.status() };
  },

  /** compile() a profile, then install the bytes with loadBpf(). */
  loadBpf(api, { allThreads }: { allThreads?: boolean }) {
    const bpf = api.compile({ defaultAction: api.Action.allow, rules: [{ syscalls: ['getppid'], action: api.Action.errno(66) }] });
    api.loadBpf(bpf, { allThreads });
    return { bytes: bpf.length, getppid: api.rawSyscall('getppid'), getpid: api.rawSyscall('getpid').errno, status: api.status() };
  },

  /**
   * The seed's first program: strict mode, then a forbidden syscall. In a JS runtime the main
   * thread may die before step 2: strict mode also disables the TSC on x86 (rdtsc faults), and
   * the runtime's fault handler then makes a forbidden syscall.
   */
  strictMode(api) {
    writeLine(api, 'step 1: unrestricted');
    api.strictMode();
    writeLine(api, "step 2: only 'read', 'write', '_exit' and 'sigreturn' syscalls");
    api.rawSyscall('getppid');
    writeLine(api, 'step 3: !! YOU SHOULD NOT SEE ME !!');
  },

  /** The process-wide strict filter: the first forbidden syscall kills the whole process. */
  strictModeFilter(api) {
    const profile = api.strictModeFilter();
    writeLine(api, 'step 1: unrestricted');
    api.loadProfile(profile);
    writeLine(api, 'step 2: read, write, exit, exit_group, rt_sigreturn on every thread');
    api.rawSyscall('getppid');
    writeLine(api, 'step 3: !! YOU SHOULD NOT SEE ME !!');
  },

  /**
   * The seed's second program (filter mode), with killProcess as its default. `tsync` and
   * `alsoAllow` let a runtime whose own threads make syscalls at any moment filter only the
   * JS thread (the seed is a one-thread C program) and allow what that thread needs to wake them.
   */
  seedFilter(api, { tsync, alsoAllow = [] }: { tsync?: boolean; alsoAllow?: string[] }) {
    writeLine(api, 'step 1: unrestricted');
    const f = new api.SyscallFilter(api.Action.killProcess, { tsync });
    for (const name of ['rt_sigreturn', 'exit', 'read', 'write', ...alsoAllow]) f.addRule(api.Action.allow, name);
    f.addRule(api.Action.allow, 'dup2', api.arg(0).eq(1), api.arg(1).eq(2));
    f.load();
    writeLine(api, "step 2: only 'write' and dup2(1, 2) syscalls");
    api.rawSyscall('dup2', 1, 2);
    writeLine(api, 'step 3: stderr redirected to stdout');
    api.rawSyscall('dup2', 2, 42);
    writeLine(api, 'step 4: !! YOU SHOULD NOT SEE ME !!');
  },

  /** A filter that sends getppid to a supervisor, which answers for the kernel. */
  notifyTarget(api, _params, report) {
    const filter = new api.SyscallFilter(api.Action.allow);
    filter.addRule(api.Action.notify, 'getppid').load();
    report({ notifyFd: filter.notifyFd(), pid: (globalThis as any).process.pid });
    return api.rawSyscall('getppid');
  },

  /** The supervisor: take the target's notify fd, answer one notification. */
  notifySupervisor(api, { pid, fd, val }: { pid: number; fd: number; val: number }) {
    const local = api.takeFd(pid, fd);
    using sup = api.notifySupervisor(local);
    const n = sup.receive();
    const valid = sup.idValid(n.id);
    sup.respond({ id: n.id, val });
    return { pid: n.pid, syscall: api.syscallName(n.syscall), valid };
  },

  /** Each error path, end to end; nothing is loaded. */
  errors(api) {
    const { Action, arg, SyscallFilter } = api;
    const out: Record<string, unknown> = {};
    // A 64-bit little-endian arch without open(2) that is not this machine's: aarch64, or
    // riscv64 where aarch64 is native.
    const foreign = api.nativeArch() === 'aarch64' ? 'riscv64' : 'aarch64';
    out.unknownSyscall = attempt(() => new SyscallFilter(Action.allow).addRule(Action.errno(1), 'opnat'));
    out.conflict = attempt(() => {
      const f = new SyscallFilter(Action.allow);
      f.addRule(Action.errno(1), 'mkdir', arg(1).eq(0o700));
      f.addRule(Action.errno(2), 'mkdir', arg(1).eq(0o700));
    });
    out.sameAsDefault = attempt(() => new SyscallFilter(Action.allow).addRule(Action.allow, 'getppid'));
    out.archMismatch = attempt(() => {
      // A filter for the foreign arch alone has no open(2): an exact rule cannot be rewritten (openat).
      const f = new SyscallFilter(Action.allow);
      f.addArch(foreign);
      f.removeArch(api.nativeArch());
      f.addRuleExact(Action.errno(1), 'open');
    });
    out.duplicateUnconditional = attempt(() =>
      api.compile({ defaultAction: Action.allow, rules: [
        { syscalls: ['getppid'], action: Action.errno(1) },
        { syscalls: ['getppid'], action: Action.errno(2) },
      ] }),
    );
    out.badArgIndex = attempt(() => arg(6));
    out.setDefaultAction = attempt(() => new SyscallFilter(Action.allow).setAttr('defaultAction', Action.log));
    out.badApiLevel = attempt(() => api.setApiLevel(99));
    out.badResolveNum = attempt(() => api.syscallResolveNum(1.5));
    // Not in a new filter: any arch but the native one.
    out.removeAbsentArch = attempt(() => new SyscallFilter(Action.allow).removeArch(foreign));
    // A syscall newer than libseccomp 2.5 still gets its rule, by core's number.
    out.newerThanLibrary = attempt(() => {
      const f = new SyscallFilter(Action.allow);
      f.addRule(Action.errno(1), 'getxattrat');
      return f.exportBpf().length > 0;
    });
    out.badErrno = attempt(() => Action.errno('ENOPE'));
    out.released = attempt(() => {
      const f = new SyscallFilter(Action.allow);
      f.release();
      f.release();
      f.addRule(Action.errno(1), 'getppid');
    });
    return out;
  },

  /**
   * A profile that fails halfway must leave the process exactly as it was. `validation`: a typo
   * the SDK refuses before any FFI call. `libseccomp`: a profile the SDK accepts, whose mkdir
   * rules libseccomp takes before it refuses the next rule itself — two rules with the same
   * condition and different actions (EEXIST, which only libseccomp checks).
   */
  async failedBuild(api, { refusedBy }: { refusedBy: 'validation' | 'libseccomp' }) {
    const fs = await node.fs();
    const dir = await tempDir();
    const before = api.status().threads.map((t) => t.seccomp);
    const { Action, arg } = api;
    const refused = refusedBy === 'validation'
      ? [{ syscalls: ['opnat'], action: Action.errno('EPERM') }]
      : [
        { syscalls: ['getppid'], action: Action.errno(1), conditions: [arg(0).eq(7)] },
        { syscalls: ['getppid'], action: Action.errno(2), conditions: [arg(0).eq(7)] },
      ];
    // aarch64 has mkdirat only: a name the native arch lacks would make the profile invalid.
    const known = new Set<string>(api.syscallNames(api.nativeArch()));
    const mkdirs = ['mkdir', 'mkdirat'].filter((n) => known.has(n));
    const profile = { defaultAction: Action.allow, rules: [{ syscalls: mkdirs, action: Action.errno('EPERM') }, ...refused] };
    // The SDK's own checks, the ones loadProfile makes before any FFI call.
    const valid = attempt(() => api.assertNoConflicts(api.validateProfile(profile)));
    const failure = attempt(() => api.loadProfile(profile));
    const mkdir = attempt(() => fs.mkdirSync(`${dir}/still-works`));
    return { before, valid: valid.ok, failure, after: api.status().threads.map((t) => t.seccomp), mkdir: mkdir.ok };
  },

  /** What a process without a usable libseccomp sees. */
  libraryMissing(api) {
    const profile = { defaultAction: api.Action.allow, rules: [{ syscalls: ['getppid'], action: api.Action.errno(66) }] };
    return {
      version: attempt(() => api.libraryVersion()),
      filter: attempt(() => new api.SyscallFilter(api.Action.allow)),
      viaLibseccomp: attempt(() => api.compile(profile, { via: 'libseccomp' })),
      // The SDK's compiler needs no libseccomp: compile, then load the profile for real.
      compiled: api.compile(profile).length,
      loaded: attempt(() => api.loadProfile(profile)),
      getppid: api.rawSyscall('getppid'),
    };
  },

  /** Library facts, for tests that need them in the parent. */
  info(api) {
    return { version: api.libraryVersion(), apiLevel: api.apiLevel(), capabilities: api.capabilities(), status: api.status() };
  },

  /** libseccomp's bpf-sim corpus through SyscallFilter and the emulator; loads nothing. */
  corpus(api) {
    return runCorpus(api);
  },

  /** The corpus's kernel check, first half: probe programs and sampled calls; loads nothing. */
  corpusProbes(api, { perEntry }: { perEntry?: number }) {
    return corpusProbePlans(api, perEntry);
  },

  /**
   * Compiles each golden fixture (SDK profile JSON, by path) and returns its BPF as hex, with
   * the library and arch that made it (golden.ts compares); loads nothing.
   */
  async golden(api, { files }: { files: Record<string, string> }) {
    const { readFileSync } = await node.fs();
    const outputs: Record<string, string> = {};
    for (const [name, path] of Object.entries(files)) {
      // Golden files are libseccomp's bytes: built by libseccomp, whatever the default compiler is.
      const bpf = api.compile(api.profileFromJSON(JSON.parse(readFileSync(path, 'utf8'))), { via: 'libseccomp' });
      outputs[name] = Array.from(bpf, (b) => b.toString(16).padStart(2, '0')).join('');
    }
    return { libseccomp: api.libraryVersion().text, arch: api.nativeArch(), outputs };
  },

  /**
   * Many failing calls under a filter that answers with an errno nothing else uses (1234):
   * rawSyscall (syscall(2)), loadBpf (seccomp(2)) and strictMode (prctl). Every errno read
   * must be 1234; any other number is the runtime overwriting errno between a call and the
   * read (a garbage collection's futex wait leaves EAGAIN). Each path runs at least its
   * `floor` of calls, then on until its count or its share of the time is used up: a slow
   * machine (an emulated CPU) takes longer, it does not check less.
   */
  errnoStress(api, { calls, loadBpfCalls, prctlCalls, ms, floor }: { calls: number; loadBpfCalls: number; prctlCalls: number; ms: number; floor: [number, number, number] }) {
    const ERRNO = 1234;
    const PR_SET_SECCOMP = 22;
    const SECCOMP_SET_MODE_FILTER = 1;
    const { Action, arg } = api;
    // Only these forms fail: the runtime's own prctl and seccomp calls, if any, keep working.
    api.loadProfile({ defaultAction: Action.allow, rules: [
      { syscalls: ['getppid'], action: Action.errno(ERRNO) },
      { syscalls: ['prctl'], action: Action.errno(ERRNO), conditions: [arg(0).eq(PR_SET_SECCOMP)] },
      { syscalls: ['seccomp'], action: Action.errno(ERRNO), conditions: [arg(0).eq(SECCOMP_SET_MODE_FILTER)] },
    ] });
    const program = api.compile({ defaultAction: Action.allow, rules: [{ syscalls: ['getpid'], action: Action.errno(1) }] });
    // Per path, each errno other than 1234 and how often it was read.
    const wrong: Record<string, Record<string, number>> = { rawSyscall: {}, loadBpf: {}, strictMode: {} };
    const seen = (path: string, errno: unknown) => {
      const tally = wrong[path]!;
      if (errno !== ERRNO) tally[String(errno)] = (tally[String(errno)] ?? 0) + 1;
    };
    const thrown = (path: string, fn: () => void) => {
      try {
        fn();
        seen(path, 'no error');
      } catch (err) {
        seen(path, (err as { errno?: number }).errno);
      }
    };
    const start = performance.now();
    const loop = (least: number, count: number, share: number, once: () => void) => {
      const until = start + ms * share;
      let i = 0;
      for (; i < count && (i < least || i & 1023 || performance.now() < until); i++) once();
      return i;
    };
    const done = {
      rawSyscall: loop(floor[0], calls, 0.6, () => seen('rawSyscall', api.rawSyscall('getppid').errno)),
      loadBpf: loop(floor[1], loadBpfCalls, 0.8, () => thrown('loadBpf', () => api.loadBpf(program, { noNewPrivs: false }))),
      strictMode: loop(floor[2], prctlCalls, 1, () => thrown('strictMode', () => api.strictMode())),
    };
    return { done, wrong };
  },

  /**
   * The kernel as the judge of BPF the SDK has an opinion on. Each call is made once first,
   * unfiltered (the control); then each program is loaded with seccomp(2) directly — not
   * through loadBpf, whose validator would refuse first — on this thread only, and the calls
   * are made again. Every answer is reported as it comes, so a call that kills is the one
   * after the last report. `dryRun`: a filter with a listener goes first and every load asks
   * for a listener too; the kernel checks the program, then refuses a second listener (EBUSY)
   * instead of installing it, so a program it accepts leaves no trace.
   */
  async kernelBpf(api, { programs, calls = [], dryRun, handleSigsys }: KernelBpfParams, report) {
    if (handleSigsys) (globalThis as any).process.on('SIGSYS', () => report({ sigsys: true }));
    const call = (c: { nr: string | number; args: string[] }) => api.rawSyscall(c.nr, ...c.args.map((a) => BigInt(a)));
    const control = calls.map(call);
    report({ control });
    must(api.rawSyscall('prctl', PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 'prctl(PR_SET_NO_NEW_PRIVS)');
    const place = rawMemory(api);
    const flags = dryRun ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
    // RET ALLOW, the listener's filter: it never sends anything to the listener.
    const allow = api.encodeBpf([stmt(BPF_RET | BPF_K, 0x7fff0000)]);
    const listener = dryRun ? rawLoad(api, place, allow, flags) : undefined;
    const loads = programs.map((hex, i) => {
      const r = rawLoad(api, place, fromHex(hex), flags);
      report({ load: i, ...r });
      return r;
    });
    const results = calls.map((c, i) => {
      const r = call(c);
      report({ call: i, ...r });
      return r;
    });
    // A signal listener runs from the event loop: give a delivered SIGSYS the time to report.
    if (handleSigsys) await new Promise((done) => setTimeout(done, 300));
    return { listener, control, loads, calls: results };
  },

  /** Loads a ready program (none: the control) and makes the listed raw syscalls (the kernel checks). */
  rawCalls(api, { bpf, calls }: { bpf?: number[]; calls: { nr: number; args: string[] }[] }) {
    if (bpf) api.loadBpf(new Uint8Array(bpf));
    return calls.map((c) => {
      const r = api.rawSyscall(c.nr, ...c.args.map((a) => BigInt(a)));
      return r.ret === -1 ? r.errno : 0;
    });
  },
};
