// Runs a seed example under Node, Bun and Deno and checks what it prints: each section's
// verdict, the steps its child must reach, and that no child got past the fatal call. Any
// mismatch exits 1 after showing the output, so `pnpm test` fails when a verdict is wrong.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The workspace's pinned bun or deno (from the lockfile), else whatever PATH has. */
function tool(name) {
  const pinned = fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
  return existsSync(pinned) ? pinned : name;
}

export const RUNTIMES = {
  node: [process.execPath, 'main.mjs'],
  bun: [tool('bun'), 'main.bun.ts'],
  // The demo lists a hung child's threads in /proc, which Deno 2.9 grants to --allow-all only;
  // the children it starts get --allow-ffi and --allow-env=SECCOMP_LIBRARY_PATH.
  deno: [tool('deno'), 'run', '--allow-all', 'main.deno.ts'],
};

/** `hung: main thread dead, N other thread(s) still alive`: a thread-only kill. */
export const MAIN_THREAD_DEAD = /^hung: main thread dead, [1-9]\d* other thread\(s\) still alive/;
export const KILLED_BY_SIGSYS = /^killed by SIGSYS$/;

/**
 * Splits the output into sections (`seed example …` headers), each with the lines its child
 * printed (indented four spaces) and its verdict.
 */
function sections(stdout) {
  const out = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith('seed example ')) out.push({ title: line, steps: [], verdict: undefined });
    else if (line.startsWith('    ') && out.length) out.at(-1).steps.push(line.trim());
    else if (line.startsWith('  verdict: ') && out.length) out.at(-1).verdict = line.slice('  verdict: '.length);
  }
  return out;
}

/**
 * Problems with one section, and the exceptions it used. `expected`: { title (prefix), steps
 * (every step the child must print, in order), exceptions (step → why this runtime may not
 * reach it: each one named and justified where it is given), verdicts (any may match) }.
 */
function checkSection(found, expected) {
  if (!found) return { problems: [`${expected.title}: no such section`], used: [] };
  const problems = [];
  const exceptions = expected.exceptions ?? {};
  const used = [];
  for (const step of expected.steps) {
    if (found.steps.includes(step)) continue;
    if (step in exceptions) used.push(`${expected.title} "${step}" not reached: ${exceptions[step]}`);
    else problems.push(`missing "${step}"`);
  }
  for (const step of found.steps) if (!expected.steps.includes(step)) problems.push(`unexpected "${step}"`);
  const positions = found.steps.map((s) => expected.steps.indexOf(s)).filter((p) => p >= 0);
  if (positions.some((p, i) => i > 0 && p <= positions[i - 1])) problems.push('steps out of order or repeated');
  if (!expected.verdicts.some((re) => re.test(found.verdict ?? ''))) {
    problems.push(`verdict "${found.verdict}" is not ${expected.verdicts.map(String).join(' or ')}`);
  }
  return { problems: problems.map((p) => `${expected.title}: ${p}`), used };
}

/**
 * Runs `main.*` in the folder of `exampleUrl` on every runtime and checks it against
 * `expect(runtime)`, an array of section expectations. Exits 1 if anything differs.
 */
export function checkExample(exampleUrl, expect) {
  const cwd = fileURLToPath(new URL('.', exampleUrl));
  let failed = false;
  for (const [runtime, [exe, ...args]] of Object.entries(RUNTIMES)) {
    const r = spawnSync(exe, args, { cwd, encoding: 'utf8', timeout: 60_000 });
    const found = sections(r.stdout ?? '');
    const problems = [];
    const used = [];
    if (r.error) problems.push(`could not run ${exe}: ${r.error.message}`);
    else {
      if (r.status !== 0) problems.push(`the demo exited with ${r.status ?? r.signal}`);
      if (r.stdout.includes('YOU SHOULD NOT SEE ME')) problems.push('a child ran past the call that should have killed it');
      for (const e of expect(runtime)) {
        const c = checkSection(found.find((s) => s.title.startsWith(e.title)), e);
        problems.push(...c.problems);
        used.push(...c.used);
      }
    }
    if (problems.length) {
      failed = true;
      console.error(`✗ ${runtime}: ${args.join(' ')}\n  ${problems.join('\n  ')}\n--- stdout\n${r.stdout ?? ''}--- stderr\n${r.stderr ?? ''}`);
    } else {
      console.log(`✓ ${runtime}: ${found.map((s) => `${s.title.split(' — ')[0].replace('seed example ', '')} → ${s.verdict}`).join('; ')}`);
      for (const u of used) console.log(`    exception: ${u}`);
    }
  }
  if (failed) process.exit(1);
}
