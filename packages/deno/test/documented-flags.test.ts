// The permissions the READMEs tell Deno users to grant, exactly as written there, must run
// every documented feature: each runs in a child Deno with those flags and nothing else.
import assert from 'node:assert/strict';
import { withFlags, type Outcome } from './with-flags.ts';

const read = (path: string) => Deno.readTextFileSync(new URL(path, import.meta.url));

/** The flags of the `deno run … main.ts` command in packages/deno/README.md. */
function denoReadmeFlags(): string[] {
  const command = /^deno run (.*) main\.ts$/m.exec(read('../README.md'))?.[1];
  assert.ok(command, 'packages/deno/README.md shows a `deno run … main.ts` command');
  return command.split(/\s+/);
}

/** The flags in the root README's "Deno needs …" sentence (before "nothing more"). */
function rootReadmeFlags(): string[] {
  const sentence = /^Deno needs (.*?)nothing more/ms.exec(read('../../../README.md'))?.[1];
  assert.ok(sentence, 'README.md says what Deno needs');
  return [...sentence.matchAll(/`(--[^`]+)`/g)].map((m) => m[1]!);
}

const flags = denoReadmeFlags();

Deno.test('both READMEs name the same Deno flags, and none is --allow-all', () => {
  assert.deepEqual(rootReadmeFlags(), flags);
  assert.ok(flags.every((f) => f.startsWith('--allow-') && f !== '--allow-all' && f !== '-A'), flags.join(' '));
});

type Check = (value: any) => void;

const EPERM = 1;
const filtered: Check = (v) => {
  assert.equal(v.allFiltered, true, 'status() after loading sees every thread filtered');
  assert.ok(v.threads > 1);
  assert.deepEqual(v.denied, { ret: -1, errno: EPERM });
};

/** Every documented feature, with what it must give. Each loading one runs in its own child. */
const FEATURES: Record<string, Check> = {
  version: (v) => assert.match(v, /^\d+\.\d+\.\d+$/),
  status: (v) => assert.ok(v > 1),
  rawSyscall: (v) => assert.equal(v, true),
  compile: (v) => assert.equal(v, true),
  exportPfc: (v) => assert.equal(v, true),
  takeFd: (v) => assert.equal(v, true),
  filterLoad: filtered,
  loadBpf: filtered,
  lockdown: (v) => (assert.equal(v.via, 'typescript'), filtered(v)),
  lockdownReadOnlyFs: (v) => (assert.equal(v.readOnlyFs, true), filtered(v)),
  lockdownBpf: (v) => (assert.equal(v.via, 'bpf'), filtered(v)),
};

async function expectFeature(op: string, build: 'source' | 'dist' = 'source'): Promise<void> {
  const o: Outcome = await withFlags(flags, op, build);
  assert.equal(o.ok, true, `${op} with ${flags.join(' ')}: ${o.name}: ${o.message}`);
  FEATURES[op]!(o.value);
}

for (const op of Object.keys(FEATURES)) {
  Deno.test(`with exactly the documented flags: ${op}`, () => expectFeature(op));
}

Deno.test('with exactly the documented flags, the npm build too: status, lockdown', async () => {
  await expectFeature('status', 'dist');
  await expectFeature('lockdown', 'dist');
});
