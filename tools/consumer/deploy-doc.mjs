// docs/deploy.md, run: every `npx @seccomp/cli …` line of its sh blocks runs, in order, in a
// project with the packed CLI installed, after the files the page shows (`<!-- file: x -->`
// before a code block) are written there. Lines for platforms this machine lacks must be
// on NOT_HERE's list, so a new command on the page cannot go unrun unnoticed.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** First word of a line that needs a platform CI does not have, and why. @type {Record<string, string>} */
const NOT_HERE = {
  docker: 'no container engine daemon',
  podman: 'no container engine daemon',
  kubectl: 'no cluster',
  sudo: 'installs into /etc/systemd, and systemd is not the init here',
};
const CLI = 'npx @seccomp/cli ';
const firstWord = (/** @type {string} */ line) => line.split(' ')[0] ?? '';

/** @param {string} file */
export function readDeployDoc(file) {
  const text = readFileSync(file, 'utf8');
  const files = [...text.matchAll(/<!-- file: (\S+) -->\n```\w*\n([\s\S]*?)```/g)].map(([, name, body]) => ({ name: String(name), body: String(body) }));
  const commands = [...text.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap(([, body]) => String(body).split('\n'))
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return { files, commands };
}

/**
 * Runs the page in `dir` (where @seccomp/cli is installed); returns what ran and what could not.
 * @param {string} docFile @param {string} dir @param {NodeJS.ProcessEnv} env
 * @param {(command: string, args: string[], options: { cwd: string, env: NodeJS.ProcessEnv, expect?: number }) => Promise<string>} sh
 */
export async function runDeployDoc(docFile, dir, env, sh) {
  const { files, commands } = readDeployDoc(docFile);
  if (!files.length || !commands.some((c) => c.startsWith(CLI))) throw new Error(`${docFile}: no files or no ${CLI.trim()} commands found`);
  for (const { name, body } of files) writeFileSync(join(dir, name), body);
  const ran = [];
  const notHere = [];
  for (const line of commands) {
    if (line.startsWith(CLI)) {
      // explain answers 1 when the call is stopped, which is what the page shows it for.
      const stopped = line.startsWith(`${CLI}explain `);
      const out = await sh('sh', ['-c', line], { cwd: dir, env, expect: stopped ? 1 : 0 });
      if (stopped && !/EPERM/.test(out)) throw new Error(`${line}: expected an EPERM verdict:\n${out}`);
      ran.push(firstWord(line.slice(CLI.length)));
    } else if (NOT_HERE[firstWord(line)]) {
      notHere.push(firstWord(line));
    } else {
      throw new Error(`${docFile}: "${line}" is neither run by this test nor on its list of platform commands`);
    }
  }
  return { ran, notRun: [...new Set(notHere)].map((w) => `${w} (${NOT_HERE[w]})`) };
}
