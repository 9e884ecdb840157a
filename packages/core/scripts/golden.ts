/**
 * Writes the golden BPF files: the fixture profiles below become testing/golden/fixtures/*.json
 * (profileToJSON), a Node child compiles each one through @seccomp/node — the same `golden`
 * scenario the conformance suite runs, so nothing here loads a filter — and the bytes become
 * testing/golden/libseccomp-<version>-<arch>/*.bpf, listed in testing/golden/manifest.json.
 *
 *   pnpm build && pnpm --filter @seccomp/core golden            write fixtures and this library's set
 *   pnpm build && pnpm --filter @seccomp/core golden --check    exit 1 if anything on disk differs
 *
 * Sets recorded with other libseccomp versions are kept while their fixtures are unchanged;
 * when a fixture changes they cannot be remade here, so they are deleted (and listed).
 * What each fixture must answer is written by hand in testing/golden-verdicts.ts: change a
 * fixture here, change its rows there (test/bpf-golden.test.ts judges every set by them).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Action, arg, arg32, defineProfile, DOCKER_DEFAULT_PROFILE, profileToJSON, resolveOci, strictModeProfile, type Profile,
} from '../src/index.js';
import {
  fixtureFiles, fromHex, goldenSetDir, readManifest, sha256, type GoldenManifest, type GoldenOutput, type GoldenSet,
} from '../testing/golden.js';
import { runChild, type ChildCommand } from '../testing/harness.js';

const CORE = new URL('..', import.meta.url);
const GOLDEN = fileURLToPath(new URL('testing/golden/', CORE));

/**
 * Docker's default lists these, and libseccomp 2.5 knows none of them. On a filter with more
 * than the native arch, libseccomp 2.5 cannot take a rule for a syscall it does not know
 * (seccomp_rule_add fails with EFAULT: it finds other arches' numbers by name), so they are
 * left out, as runc leaves out names its libseccomp cannot resolve. A fixed list keeps the
 * fixture the same whichever libseccomp writes the golden files.
 */
const UNKNOWN_TO_LIBSECCOMP_2_5 = new Set([
  'getxattrat', 'listxattrat', 'setxattrat', 'removexattrat', 'listmount', 'statmount', 'mseal', 'uretprobe',
  'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
]);

/** Resolved as a container on x86_64 gets it: the archMap brings x86 and x32 along. */
function dockerDefault(capabilities: string[]): Profile {
  const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'x86_64', capabilities });
  const rules = profile.rules
    .map((r) => ({ ...r, syscalls: r.syscalls.filter((s) => typeof s !== 'string' || !UNKNOWN_TO_LIBSECCOMP_2_5.has(s)) }))
    .filter((r) => r.syscalls.length > 0);
  return defineProfile({ ...profile, rules });
}

const O_ACCMODE = 3n;
const PROT_WRITE = 2n;
const PROT_EXEC = 4n;
const CLONE_NEWUSER = 0x10000000n;
const TIOCSTI = 0x5412n;

/**
 * Every fixture names its arches, so its meaning does not depend on the host. Each covers
 * something the others do not; together they reach every action, operator and attribute
 * that changes the program.
 */
const FIXTURES: Record<string, Profile> = {
  /** The seed guide's filter: its SCMP_ACT_KILL default is killThread. */
  'seed-filter': defineProfile({
    defaultAction: Action.killThread,
    arches: ['x86_64'],
    rules: [
      { syscalls: ['rt_sigreturn', 'exit', 'read', 'write'], action: Action.allow },
      { syscalls: ['dup2'], action: Action.allow, conditions: [arg(0).eq(1), arg(1).eq(2)] },
    ],
  }),

  'strict-mode-filter': strictModeProfile('x86_64'),

  /** Three ABIs in one filter; socket and shmget are multiplexed (socketcall, ipc) on x86. */
  'multi-arch': defineProfile({
    defaultAction: Action.allow,
    arches: ['x86_64', 'x86', 'x32'],
    attributes: { badArchAction: Action.trap },
    rules: [
      { syscalls: ['mkdir', 'mkdirat', 'rmdir', 'unlinkat'], action: Action.errno('EPERM') },
      { syscalls: ['socket'], action: Action.errno('EAFNOSUPPORT'), conditions: [arg32(0).eq(10)] },
      { syscalls: ['shmget'], action: Action.errno('EACCES') },
      { syscalls: ['ptrace'], action: Action.killProcess },
      { syscalls: ['openat'], action: Action.errno('EROFS'), conditions: [arg32(0).eq(-100), arg32(2).maskedEq(O_ACCMODE, 1)] },
    ],
  }),

  /** Every operator at both widths, values past 32 bits, several rules per syscall, every action. */
  conditions: defineProfile({
    defaultAction: Action.allow,
    arches: ['x86_64'],
    rules: [
      { syscalls: ['openat'], action: Action.errno('EROFS'), conditions: [arg32(0).eq(-100), arg32(2).maskedEq(O_ACCMODE, 1)] },
      { syscalls: ['openat'], action: Action.errno('EACCES'), conditions: [arg32(0).eq(-100), arg32(2).maskedEq(O_ACCMODE, 2)] },
      { syscalls: ['mmap', 'mprotect'], action: Action.killProcess, conditions: [arg(2).maskedEq(PROT_WRITE | PROT_EXEC, PROT_WRITE | PROT_EXEC)] },
      { syscalls: ['ioctl'], action: Action.errno('EPERM'), conditions: [arg(1).eq(TIOCSTI)] },
      { syscalls: ['ioctl'], action: Action.log, conditions: [arg32(0).eq(0), arg(1).ge(0x80000000n)] },
      { syscalls: ['clone'], action: Action.trap, conditions: [arg(0).maskedEq(CLONE_NEWUSER, CLONE_NEWUSER)] },
      { syscalls: ['kill'], action: Action.errno('EPERM'), conditions: [arg32(1).eq(9)] },
      { syscalls: ['socket'], action: Action.errno('EAFNOSUPPORT'), conditions: [arg32(0).gt(10)] },
      { syscalls: ['setresuid'], action: Action.errno('EPERM'), conditions: [arg32(0).lt(1000), arg32(1).le(999), arg32(2).ne(0xffffffff)] },
      { syscalls: ['lseek'], action: Action.errno('EFBIG'), conditions: [arg(1).ge(1n << 40n)] },
      { syscalls: ['lseek'], action: Action.errno('EINVAL'), conditions: [arg(1).eq(0xffffffffffffffffn)] },
      { syscalls: ['personality'], action: Action.errno('EPERM'), conditions: [arg(0).ne(0)] },
      { syscalls: ['getrandom'], action: Action.trace(7), conditions: [arg(1).gt(0x100000000n)] },
      { syscalls: ['prlimit64'], action: Action.killThread, conditions: [arg(0).lt(1), arg(1).le(15), arg(2).ne(0), arg(3).eq(0)] },
      { syscalls: ['mount'], action: Action.notify },
      { syscalls: ['ptrace'], action: Action.killProcess, exact: true },
    ],
  }),

  /** libseccomp's binary tree layout, with priorities that order the hot syscalls first. */
  'optimize-priority': defineProfile({
    defaultAction: Action.killProcess,
    arches: ['x86_64'],
    attributes: { optimize: 2 },
    rules: [
      { syscalls: ['read', 'write', 'futex', 'epoll_wait', 'epoll_pwait'], action: Action.allow, priority: 255 },
      { syscalls: ['openat', 'close', 'fstat', 'newfstatat', 'lseek', 'pread64', 'pwrite64'], action: Action.allow, priority: 128 },
      { syscalls: ['mmap', 'munmap', 'mprotect', 'madvise', 'brk'], action: Action.allow, priority: 64 },
      {
        syscalls: [
          'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'sigaltstack', 'getpid', 'gettid', 'getppid', 'getuid',
          'geteuid', 'getgid', 'getegid', 'clock_gettime', 'clock_nanosleep', 'nanosleep', 'sched_yield',
          'sched_getaffinity', 'uname', 'getrandom', 'pipe2', 'eventfd2', 'epoll_create1', 'epoll_ctl', 'dup', 'dup3',
          'fcntl', 'statx', 'readlink', 'getcwd', 'exit', 'exit_group', 'set_robust_list', 'rseq', 'prlimit64',
        ],
        action: Action.allow,
      },
      { syscalls: ['ioctl'], action: Action.allow, priority: 200, conditions: [arg(1).eq(TIOCSTI + 1n)] },
      { syscalls: ['clone'], action: Action.allow, conditions: [arg(0).maskedEq(CLONE_NEWUSER, 0)] },
      { syscalls: ['kill', 'tgkill'], action: Action.errno('EPERM'), priority: 10 },
    ],
  }),

  /** Allow by default, deny what a service never needs. */
  'deny-list': defineProfile({
    defaultAction: Action.allow,
    arches: ['x86_64'],
    rules: [
      {
        syscalls: [
          'mount', 'umount2', 'pivot_root', 'chroot', 'swapon', 'swapoff', 'acct', 'settimeofday', 'clock_settime',
          'clock_adjtime', 'adjtimex', 'sethostname', 'setdomainname', 'iopl', 'ioperm', 'quotactl', 'unshare',
          'setns', 'open_by_handle_at', 'name_to_handle_at', 'bpf', 'perf_event_open', 'userfaultfd', 'keyctl',
          'add_key', 'request_key', 'lookup_dcookie', 'fanotify_init', 'move_pages', 'vhangup',
        ],
        action: Action.errno('EPERM'),
      },
      {
        syscalls: ['kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'reboot', 'ptrace', 'process_vm_writev'],
        action: Action.killProcess,
      },
      { syscalls: ['socket'], action: Action.errno('EAFNOSUPPORT'), conditions: [arg32(0).eq(16)], comment: 'AF_NETLINK' },
    ],
  }),

  'docker-default-x86_64': dockerDefault([]),
  'docker-default-x86_64-cap-sys-admin': dockerDefault(['CAP_SYS_ADMIN']),
};

const fixtureText = (p: Profile) => `${JSON.stringify(profileToJSON(p), null, 2)}\n`;

/** A file to write (or compare): path relative to testing/golden/. */
interface Output {
  path: string;
  content: string | Uint8Array;
}

function nodeChild(): ChildCommand {
  const entry = fileURLToPath(new URL('dist/testing/child.js', CORE));
  const pkg = new URL('../node/dist/index.js', CORE);
  for (const f of [entry, fileURLToPath(pkg)]) if (!existsSync(f)) throw new Error(`${f} is missing: run pnpm build first.`);
  return { argv: [process.execPath], entry, packageUrl: pkg.href };
}

async function compileAll(files: Record<string, string>): Promise<GoldenOutput> {
  const o = await runChild(nodeChild(), 'golden', { files });
  if (o.error || o.code !== 0) throw new Error(`the Node child failed: ${JSON.stringify(o.error)} code=${o.code} signal=${o.signal}\n${o.stderr}`);
  return o.result as GoldenOutput;
}

/** Other versions' sets stay only while every fixture they were compiled from is unchanged. */
function keptSets(manifest: GoldenManifest | undefined, current: GoldenSet, hashes: Record<string, string>): { kept: GoldenSet[]; dropped: GoldenSet[] } {
  const others = (manifest?.sets ?? []).filter((s) => s.dir !== current.dir);
  const valid = (s: GoldenSet) =>
    Object.keys(s.files).sort().join() === Object.keys(hashes).sort().join() &&
    Object.entries(s.files).every(([name, f]) => f.fixture === hashes[name]);
  return { kept: others.filter(valid), dropped: others.filter((s) => !valid(s)) };
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const fixtures: Output[] = Object.entries(FIXTURES).map(([name, p]) => ({ path: `fixtures/${name}.json`, content: fixtureText(p) }));
  const hashes = Object.fromEntries(Object.entries(FIXTURES).map(([name, p]) => [name, sha256(fixtureText(p))]));

  // The child compiles the JSON as written, so write it first (to a scratch folder under --check).
  const fixtureDir = check ? mkdtempSync(join(tmpdir(), 'seccomp-golden-')) : GOLDEN;
  for (const f of fixtures) writeFile(join(fixtureDir, f.path), f.content);
  let out: GoldenOutput;
  try {
    out = await compileAll(fixtureFiles(fixtureDir));
  } finally {
    if (check) rmSync(fixtureDir, { recursive: true, force: true });
  }

  const dir = goldenSetDir(out.libseccomp, out.arch);
  const set: GoldenSet = { libseccomp: out.libseccomp, arch: out.arch, dir, files: {} };
  const outputs: Output[] = [...fixtures];
  for (const name of Object.keys(FIXTURES)) {
    const bpf = fromHex(out.outputs[name]!);
    set.files[name] = { fixture: hashes[name]!, sha256: sha256(bpf), bytes: bpf.length };
    outputs.push({ path: `${dir}/${name}.bpf`, content: bpf });
  }
  const previous = existsSync(join(GOLDEN, 'manifest.json')) ? readManifest(GOLDEN) : undefined;
  const { kept, dropped } = keptSets(previous, set, hashes);
  const manifest: GoldenManifest = {
    comment: 'Written by packages/core/scripts/golden.ts; see README.md. One set per libseccomp version and host arch.',
    sets: [...kept, set].sort((a, b) => a.dir.localeCompare(b.dir)),
  };
  outputs.push({ path: 'manifest.json', content: `${JSON.stringify(manifest, null, 2)}\n` });

  // Anything under fixtures/ or a set folder that no longer belongs there.
  const wanted = new Set(outputs.map((o) => o.path));
  const stale = [...['fixtures', dir].flatMap((d) => listFiles(d)), ...dropped.map((s) => s.dir)].filter((p) => !wanted.has(p));

  if (check) {
    const differ = outputs.filter((o) => !sameFile(join(GOLDEN, o.path), o.content)).map((o) => o.path);
    const problems = [...differ, ...stale.map((p) => `${p} (stale)`)];
    if (problems.length) {
      // A library with no set yet is a recording to make, not a regression: say which.
      const missing = previous && !previous.sets.some((s) => s.dir === dir)
        ? `no golden set for libseccomp ${out.libseccomp} on ${out.arch} (recorded: ${previous.sets.map((s) => s.dir).join(', ') || 'none'}); `
        : '';
      console.error(`${missing}golden files out of date for libseccomp ${out.libseccomp} on ${out.arch}:\n  ${problems.join('\n  ')}\nRun: pnpm --filter @seccomp/core golden`);
      process.exit(1);
    }
    console.log(`golden files up to date (libseccomp ${out.libseccomp}, ${out.arch}, ${Object.keys(FIXTURES).length} fixtures)`);
    return;
  }
  for (const p of stale) rmSync(join(GOLDEN, p), { recursive: true, force: true });
  for (const o of outputs) writeFile(join(GOLDEN, o.path), o.content);
  console.log(`wrote ${Object.keys(FIXTURES).length} fixtures and ${dir}/ (libseccomp ${out.libseccomp}, ${out.arch})`);
  for (const s of dropped) console.log(`deleted ${s.dir}/: its fixtures changed, and only libseccomp ${s.libseccomp} on ${s.arch} can remake it`);
}

function listFiles(sub: string): string[] {
  const d = join(GOLDEN, sub);
  return existsSync(d) ? readdirSync(d).map((f) => `${sub}/${f}`) : [];
}

function writeFile(path: string, content: string | Uint8Array): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

function sameFile(path: string, content: string | Uint8Array): boolean {
  if (!existsSync(path)) return false;
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return sha256(readFileSync(path)) === sha256(bytes);
}

await main();
