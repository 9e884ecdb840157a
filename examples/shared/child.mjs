// Runs this same script as a child process and describes how the kernel ended it.
// Both seed examples need it: a filter that kills must never run in the demo's own process.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

function threadStates(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).map((tid) => {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      return { tid: Number(tid), state: stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) };
    });
  } catch (err) {
    // Gone, or not ours to read: Deno 2.9 grants /proc/<pid> to --allow-all only.
    return { unreadable: err?.code ?? err?.name ?? String(err) };
  }
}

/**
 * Starts `<this runtime> [...runtimeArgs] <script> <mode>` (node, bun, or deno with
 * `run` and its permission flags), echoes its output, and resolves with how it ended.
 *
 * A child is called hung when it has not exited `hangAfterMs` after its first line (step 1,
 * printed before any filter). On a slow machine (an emulated CPU) loading libseccomp and the
 * filter after that line is slow too, so the wait is at least twice the time the runtime took
 * to print it; a child that prints nothing in a minute is hung as well.
 */
export function runChild(script, mode, { hangAfterMs = 1500, runtimeArgs = [] } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...runtimeArgs, script, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
    let hung;
    const giveUp = () => {
      hung = threadStates(child.pid);
      child.kill('SIGKILL');
    };
    let timer = setTimeout(giveUp, 60_000);
    let first = true;
    child.stdout.on('data', (d) => {
      process.stdout.write(`    ${String(d).trimEnd().replace(/\n/g, '\n    ')}\n`);
      if (!first) return;
      first = false;
      clearTimeout(timer);
      timer = setTimeout(giveUp, Math.max(hangAfterMs, 2 * (Date.now() - started)));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, hung, pid: child.pid });
    });
  });
}

export function describe({ code, signal, hung, pid }) {
  if (hung?.unreadable) return `hung: did not exit, and its threads could not be listed (${hung.unreadable}) — the demo killed it`;
  if (hung) {
    const main = hung.find((t) => t.tid === pid);
    const alive = hung.filter((t) => t.state !== 'Z').length;
    return `hung: main thread ${main?.state === 'Z' ? 'dead' : main?.state ?? 'gone'}, ${alive} other thread(s) still alive — the demo killed it`;
  }
  return signal ? `killed by ${signal}` : `exited with code ${code}`;
}
