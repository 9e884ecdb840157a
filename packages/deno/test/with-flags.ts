// Runs one operation of fixtures/operations.ts in a child Deno with exactly the given flags.
import assert from 'node:assert/strict';

const FIXTURES = { source: 'permissions.ts', dist: 'permissions-dist.ts' };

export interface Outcome {
  ok: boolean;
  value?: unknown;
  name?: string;
  message?: string;
}

/** `--no-prompt` grants nothing: a missing permission fails instead of asking. */
export async function withFlags(flags: readonly string[], op: string, build: keyof typeof FIXTURES = 'source'): Promise<Outcome> {
  const fixture = new URL(`./fixtures/${FIXTURES[build]}`, import.meta.url).pathname;
  const { stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ['run', '--no-prompt', ...flags, fixture, op],
    stdin: 'null',
    stdout: 'piped',
    stderr: 'piped',
  }).output();
  const text = new TextDecoder().decode(stdout).trim();
  assert.ok(text, `no outcome; stderr:\n${new TextDecoder().decode(stderr)}`);
  return JSON.parse(text) as Outcome;
}
