// Profiles libseccomp 2.5 never finishes building are refused before it sees them. Every
// build that could reach libseccomp runs in a child process: a loop inside FFI cannot be
// interrupted, so the parent kills the child after a timeout instead.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  Action, arg, arg32, LibseccompLoopError, profileToJSON, validateProfile, type Profile, type Rule,
} from '../src/index.js';
import { buildFilter } from '@seccomp/core/internal';

const CHILD = fileURLToPath(new URL('./libseccomp-loop.child.ts', import.meta.url));

interface ChildRun {
  started: boolean;
  built?: boolean;
  name?: string;
  message?: string;
  killed: boolean;
}

/**
 * Runs one build in a child. `timeoutMs` counts from the child's "started" line, printed just
 * before the build: a slow start (an emulated CPU) is not taken for a build that never ends.
 * A child that does not reach that line in a minute is killed too.
 */
function runChild(mode: 'compile' | 'typescript' | 'raw', profile: Profile, timeoutMs: number): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, JSON.stringify(profileToJSON(profile))], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    const kill = () => child.kill('SIGKILL');
    let timer = setTimeout(kill, 60_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      const before = stdout.includes('"started":true');
      stdout += d;
      if (!before && stdout.includes('"started":true')) {
        clearTimeout(timer);
        timer = setTimeout(kill, timeoutMs);
      }
    });
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      const lines = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const last = lines.at(-1) ?? {};
      resolve({
        started: lines.some((l) => l.started === true),
        built: last.built as boolean | undefined,
        name: last.name as string | undefined,
        message: last.message as string | undefined,
        killed: signal === 'SIGKILL',
      });
    });
  });
}

const read = (action: Action, ...conditions: Rule['conditions'] & object): Rule => ({ syscalls: ['read'], action, conditions });

// The smallest shape found (random profiles, then rule and condition removal): both rules
// branch on `arg0 < 3`; the later rule's next condition (arg1 == 1) sorts ahead of the
// earlier one's (arg1 <= 0) in libseccomp's sibling order.
const LOOPING: Profile = validateProfile({
  defaultAction: Action.errno('ENOSYS'),
  arches: ['x86_64'],
  rules: [read(Action.errno('EPERM'), arg(0).lt(3), arg(1).le(0)), read(Action.log, arg(0).lt(3), arg(1).eq(1))],
});

/** The guard alone: buildFilter's make() would be the first libseccomp call. */
function guard(profile: Profile): unknown {
  try {
    buildFilter(() => {
      throw new Error('reached libseccomp');
    }, profile, { nativeArch: 'x86_64' });
  } catch (err) {
    return err;
  }
  return undefined;
}

test('the looping shape is refused with a typed error that names the rules and the fix', () => {
  const err = guard(LOOPING);
  assert.ok(err instanceof LibseccompLoopError, String(err));
  assert.equal(err.code, 'LIBSECCOMP_MERGE_LOOP');
  assert.equal(err.syscall, 'read');
  assert.equal(err.arch, 'x86_64');
  assert.deepEqual(err.rules, [0, 1]);
  assert.deepEqual(err.shared, arg(0).lt(3));
  assert.deepEqual(err.conditions, [arg(1).le(0), arg(1).eq(1)]);
  assert.match(err.message, /Put rules\[1\] before rules\[0\]/);
});

test('a rule on a number and one on its name are one syscall to libseccomp: the shape is refused either way', () => {
  // read is 0 on x86_64; libseccomp reads a number as the native arch's syscall.
  const mixed = validateProfile({ ...LOOPING, rules: [{ ...LOOPING.rules[0]!, syscalls: [0] }, LOOPING.rules[1]!] });
  const err = guard(mixed);
  assert.ok(err instanceof LibseccompLoopError, String(err));
  assert.equal(err.syscall, 0);
  assert.deepEqual(err.rules, [0, 1]);
  // A different syscall by number (1, write) does not share read's tree.
  const apart = guard(validateProfile({ ...LOOPING, rules: [{ ...LOOPING.rules[0]!, syscalls: [1] }, LOOPING.rules[1]!] }));
  assert.equal((apart as Error).message, 'reached libseccomp', 'the guard let it through to the build');
});

/** n rules sharing `arg0 < 3` that merge cleanly, then one that would loop. */
function longProfile(n: number): Profile {
  const rules = Array.from({ length: n }, (_, k) => read(k % 2 ? Action.allow : Action.log, arg(0).lt(3), arg(1).eq(k)));
  rules.push(read(Action.trap, arg(0).lt(3), arg(2).eq(0)));
  return validateProfile({ defaultAction: Action.errno('ENOSYS'), arches: ['x86_64'], rules });
}

function timeGuard(profile: Profile): number {
  guard(profile); // warm-up
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) assert.ok(guard(profile) instanceof LibseccompLoopError);
  return (performance.now() - t0) / 3;
}

test('the refusal costs time linear in the rules (10x the rules, well under 100x the time)', () => {
  const small = longProfile(2_000);
  const large = longProfile(20_000);
  const err = guard(large) as LibseccompLoopError;
  assert.deepEqual(err.rules, [0, 20_000]);
  const ratio = timeGuard(large) / Math.max(timeGuard(small), 0.05);
  assert.ok(ratio < 30, `10x the rules took ${ratio.toFixed(1)}x the time`);
});

test('control: without the guard, libseccomp never finishes the looping shape', async () => {
  const run = await runChild('raw', LOOPING, 4_000);
  assert.ok(run.started, 'the child reached the build');
  assert.equal(run.built, undefined, 'the build never reported back');
  assert.ok(run.killed, 'killed at the timeout');
});

test("the looping shape through compile({ via: 'libseccomp' }) is refused in the child, before libseccomp", async () => {
  const run = await runChild('compile', LOOPING, 20_000);
  assert.equal(run.killed, false);
  assert.equal(run.built, false);
  assert.equal(run.name, 'LibseccompLoopError');
});

test("the SDK's compiler (compile()'s default) builds the looping shape at once", async () => {
  const run = await runChild('typescript', LOOPING, 20_000);
  assert.equal(run.killed, false);
  assert.equal(run.built, true, `${run.name}: ${run.message}`);
});

// The nearest shapes the guard lets through, each built for real by libseccomp.
const NEAR: Record<string, Profile> = {
  'the same two rules, the other way round': { ...LOOPING, rules: [...LOOPING.rules].reverse() },
  'the shared condition as eq': { ...LOOPING, rules: [read(Action.errno('EPERM'), arg(0).eq(3), arg(1).le(0)), read(Action.log, arg(0).eq(3), arg(1).eq(1))] },
  'an eq between the shared condition and the difference': {
    ...LOOPING,
    rules: [read(Action.errno('EPERM'), arg(0).lt(3), arg(1).eq(5), arg(2).le(0)), read(Action.log, arg(0).lt(3), arg(1).eq(5), arg(2).eq(1))],
  },
  'the looping order on x86 only (one test per condition)': { ...LOOPING, arches: ['x86'] },
  '32-bit conditions in the safe order': { ...LOOPING, rules: [read(Action.log, arg32(0).lt(3), arg32(1).eq(1)), read(Action.errno('EPERM'), arg32(0).lt(3), arg32(1).le(0))] },
  '300 rules sharing arg0 < 3 whose next conditions never overtake': {
    ...LOOPING,
    rules: Array.from({ length: 300 }, (_, k) => read(k % 2 ? Action.allow : Action.log, arg(0).lt(3), arg(1).eq(k))),
  },
};

for (const [name, profile] of Object.entries(NEAR)) {
  test(`builds: ${name}`, async () => {
    const valid = validateProfile(profile);
    assert.equal(guard(valid) instanceof LibseccompLoopError, false, 'not refused');
    const run = await runChild('compile', valid, 20_000);
    assert.equal(run.killed, false, 'finished');
    assert.equal(run.built, true, `built (${run.name ?? ''})`);
  });
}
