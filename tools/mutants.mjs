#!/usr/bin/env node
// Deliberately broken builds: each mutant changes one line of the SDK the way a real bug
// would (swap two actions, drop a rule, flip a 32-bit comparison, delete an attack) and the
// tests that guard that line must then fail. A mutant the suite survives is a test that
// proves less than its name says. The unbroken build runs the same tests first and must pass,
// so each failure is the mutant's.
//
//   node tools/mutants.mjs            every mutant (about 4 minutes on 2 cores)
//   node tools/mutants.mjs flip-32    the mutants whose name contains the word
//
// It works in a scratch worktree of HEAD (commit first), never in this checkout. Needs what
// `pnpm test` needs (libseccomp, gcc) and root for the kernel-log checks of allow and log.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * @typedef {{ name: string, what: string, file: string, from: string, to: string,
 *   suite: readonly [dir: string, file: string], pattern: string, env?: Record<string, string> }} Mutant
 */

/** @type {readonly [string, string]} */
const NODE_SUITE = ['packages/node', 'test/conformance.test.ts'];

/** @type {readonly [string, string]} */
const DIFFERENTIAL = ['packages/node', 'test/compile-differential.test.ts'];

/** @type {Mutant[]} */
const MUTANTS = [
  {
    name: 'swap-allow-log',
    what: 'RET.ALLOW and RET.LOG exchange their values',
    file: 'packages/core/src/actions.ts',
    from: '  LOG: 0x7ffc0000,\n  ALLOW: 0x7fff0000,',
    to: '  LOG: 0x7fff0000,\n  ALLOW: 0x7ffc0000,',
    suite: NODE_SUITE,
    pattern: 'action (allow|log)',
  },
  {
    name: 'drop-a-rule-libseccomp',
    what: "SyscallFilter.addRule leaves out every rule with conditions",
    file: 'packages/core/src/filter.ts',
    from: '  addRule(action: Action, syscall: string | number, ...conditions: Condition[]): this {\n',
    to: '  addRule(action: Action, syscall: string | number, ...conditions: Condition[]): this {\n    if (conditions.length > 0) return this;\n',
    suite: NODE_SUITE,
    pattern: 'comparison operators on a real argument register, built by libseccomp',
  },
  {
    name: 'drop-a-rule-compiler',
    what: "the SDK's compiler leaves out each profile's first rule",
    file: 'packages/core/src/compile/lower.ts',
    from: '  profile.rules.forEach((rule, index) => {\n',
    to: '  profile.rules.forEach((rule, index) => {\n    if (index === 0) return;\n',
    suite: NODE_SUITE,
    pattern: 'comparison operators on a real argument register, built by typescript',
  },
  {
    name: 'flip-32-bit-comparison',
    what: 'arg32(n).gt(v) builds a greater-or-equal condition',
    file: 'packages/core/src/compare.ts',
    from: "gt: make('gt'),",
    to: "gt: make(width === 32 ? 'ge' : 'gt'),",
    suite: NODE_SUITE,
    pattern: 'comparison operators',
  },
  {
    name: 'flip-compiled-ordering',
    what: "the compiler's 64-bit ordering tests the low word with JGT where JGE belongs and back",
    file: 'packages/core/src/compile/emit.ts',
    from: '  asm.load(off.lo);\n  asm.branch(orEqual ? BPF_JGE : BPF_JGT, LO(datum), pass, fail);',
    to: '  asm.load(off.lo);\n  asm.branch(orEqual ? BPF_JGT : BPF_JGE, LO(datum), pass, fail);',
    suite: NODE_SUITE,
    pattern: 'comparison operators on a real argument register, built by typescript',
  },
  {
    name: 'flip-compiled-32-bit-arch-ordering',
    what: "on 32-bit arches the compiler's ordering tests jump with JGT where JGE belongs and back",
    file: 'packages/core/src/compile/emit.ts',
    from: '  asm.load(off.lo);\n  asm.branch(orEqual ? BPF_JGE : BPF_JGT, LO(t.datum), yes, no);',
    to: '  asm.load(off.lo);\n  asm.branch(orEqual ? BPF_JGT : BPF_JGE, LO(t.datum), yes, no);',
    suite: DIFFERENTIAL,
    pattern: 'random profiles compiled by both',
    env: { SECCOMP_DIFF_PROFILES: '2000' },
  },
  {
    name: 'delete-an-attack',
    what: 'attacks.ts no longer tries process_vm_readv',
    file: 'packages/core/testing/attack/attacks.ts',
    from: "    { name: 'process_vm_readv', blocked: 'EPERM', run: (api) => api.rawSyscall('process_vm_readv', targets.ppid, null, 0, null, 0, 0) },\n",
    to: '',
    suite: NODE_SUITE,
    pattern: 'lockdown: (every denied capability is refused and the process keeps serving$|control: without lockdown)',
  },
];

/** @param {string} cwd @param {string} cmd @param {string[]} args */
function sh(cwd, cmd, args) {
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Runs one suite's matching tests; the exit status and the names of the failing tests.
 * @param {string} root @param {Mutant} mutant
 */
function runTests(root, { suite: [dir, file], pattern, env }) {
  const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', `--test-name-pattern=${pattern}`, file], {
    cwd: join(root, dir),
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  const count = (/** @type {string} */ word) => Number(res.stdout.match(new RegExp(`^# ${word} (\\d+)`, 'm'))?.[1] ?? 0);
  const failed = [...res.stdout.matchAll(/^not ok \d+ - (.*)$/gm)].map((m) => m[1]);
  return { status: res.status, pass: count('pass'), fail: count('fail'), failed };
}

/** @param {string} root @param {Mutant} m */
function mutate(root, m) {
  const path = join(root, m.file);
  const text = readFileSync(path, 'utf8');
  const at = text.indexOf(m.from);
  if (at < 0 || text.indexOf(m.from, at + 1) >= 0) throw new Error(`${m.name}: the line to break is not found once in ${m.file}; update the mutant`);
  writeFileSync(path, text.slice(0, at) + m.to + text.slice(at + m.from.length));
  return () => writeFileSync(path, text);
}

const build = (/** @type {string} */ root) => sh(root, 'pnpm', ['--silent', '--filter', '@seccomp/core', 'build']);

function main() {
  const only = process.argv[2];
  const chosen = MUTANTS.filter((m) => !only || m.name.includes(only));
  if (chosen.length === 0) throw new Error(`no mutant matches "${only}": ${MUTANTS.map((m) => m.name).join(', ')}`);
  const repo = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  const root = mkdtempSync(join(tmpdir(), 'seccomp-mutants-'));
  let survived = 0;
  try {
    sh(repo, 'git', ['worktree', 'add', '--detach', '--force', root, 'HEAD']);
    sh(root, 'pnpm', ['install', '--frozen-lockfile', '--offline', '--silent']);
    sh(root, 'pnpm', ['--silent', '--filter', '@seccomp/core', '--filter', '@seccomp/node', 'build']);
    for (const m of chosen) {
      const clean = runTests(root, m);
      if (clean.status !== 0 || clean.pass === 0) throw new Error(`${m.name}: the unbroken build must pass these tests first (${clean.pass} pass, ${clean.fail} fail)`);
      const restore = mutate(root, m);
      build(root);
      const broken = runTests(root, m);
      restore();
      build(root);
      const caught = broken.status !== 0 && broken.fail > 0;
      if (!caught) survived++;
      console.log(`${caught ? 'caught  ' : 'SURVIVED'} ${m.name}: ${m.what}`);
      console.log(`         unbroken ${clean.pass} pass; broken ${broken.pass} pass, ${broken.fail} fail`);
      for (const name of broken.failed) console.log(`         fails: ${name}`);
    }
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', root], { cwd: repo, stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  }
  console.log(`# mutants ${chosen.length}, caught ${chosen.length - survived}, survived ${survived}`);
  process.exitCode = survived === 0 ? 0 : 1;
}

main();
