// The parent side of every consumer test: start the consumer's server in a child process
// (lockdown() happens there, never here), wait for its ready line, and require that it ran a
// program before lockdown(), serves requests after it, and has exec refused with EPERM.
import { spawn } from 'node:child_process';

const READY_TIMEOUT_MS = 60_000;

/** @typedef {{ blocked: boolean, code?: string }} ExecAttempt */
/** @typedef {{ port: number, before?: ExecAttempt, preset: string }} Ready */

/**
 * Resolves with what was seen; rejects with the child's output when anything is off.
 * @param {string} command @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv }} options
 * @returns {Promise<{ preset: string, exec: ExecAttempt }>}
 */
export async function serveAndRefuse(command, args, { cwd, env }) {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  try {
    /** @type {Ready} */
    const ready = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no ready line in time')), READY_TIMEOUT_MS);
      child.stdout.on('data', (d) => {
        stdout += d;
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line));
        }
      });
      exited.then(({ code, signal }) => reject(new Error(`exited before ready (code ${code}, signal ${signal})`)));
    });
    if (ready.before?.blocked !== false) throw new Error(`before lockdown() the program did not run: ${JSON.stringify(ready.before)}`);
    /** @param {string} path @returns {Promise<any>} the handler's JSON */
    const get = async (path) => {
      const res = await fetch(`http://127.0.0.1:${ready.port}${path}`);
      if (res.status !== 200) throw new Error(`GET ${path}: HTTP ${res.status}`);
      return res.json();
    };
    const hello = await get('/hello');
    if (hello.hello !== 'world') throw new Error(`GET /hello after lockdown(): ${JSON.stringify(hello)}`);
    const exec = await get('/exec');
    if (exec.blocked !== true || exec.code !== 'EPERM') throw new Error(`exec after lockdown() was not refused with EPERM: ${JSON.stringify(exec)}`);
    const again = await get('/hello');
    if (again.hello !== 'world') throw new Error('the server stopped serving after the refused exec');
    return { preset: ready.preset, exec };
  } catch (err) {
    throw new Error(`${command} ${args.join(' ')}: ${err instanceof Error ? err.message : err}\n--- stdout\n${stdout}--- stderr\n${stderr}`);
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}
