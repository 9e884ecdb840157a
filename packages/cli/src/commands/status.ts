/**
 * `seccomp status [pid]`: each thread's seccomp mode, filter count and NO_NEW_PRIVS, from
 * /proc/<pid>/task/<tid>/status, and the io_uring instances the process holds (io_uring
 * does file and network work the filter never sees). Without a pid, the command's own
 * process: it inherited whatever the shell runs under, so `seccomp run … -- seccomp status`
 * shows a filter from the inside.
 */
import { readFileSync } from 'node:fs';
import { status, type ProcessStatus } from '@seccomp/node';
import { expectPositionals } from '../args.js';
import type { Command } from '../command.js';
import { InputError, UsageError } from '../errors.js';
import { EXIT } from '../exit.js';
import { plural, table } from '../text.js';

function readStatus(pid: number | undefined): ProcessStatus {
  try {
    return status(pid);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ESRCH') throw new InputError(`no process ${pid}`);
    if (code === 'EACCES' || code === 'EPERM') throw new InputError(`process ${pid}: permission denied reading /proc/${pid} (run as its user or root)`);
    throw err;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

const MODE_TEXT = { disabled: 'without seccomp', strict: 'in strict mode', filter: 'in filter mode' } as const;

function summary(st: ProcessStatus): string {
  const modes = new Set(st.threads.map((t) => t.mode));
  const n = plural(st.threads.length, 'thread');
  if (modes.size === 1) return `${n}, ${st.threads.length === 1 ? '' : 'all '}${MODE_TEXT[[...modes][0]!]}`;
  return `${n}, mixed: ${st.threads.filter((t) => t.mode !== 'filter').length} not in filter mode`;
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'seccomp mode, filters and NoNewPrivs of each thread; io_uring instances',
  usage: 'seccomp status [pid]',
  description: `
Reads /proc/<pid>/task/*/status (Seccomp, Seccomp_filters, NoNewPrivs) for every thread of
the process, and lists its io_uring file descriptors. Without a pid it reports on its own
process, which inherits the shell's state. A thread outside filter mode while others are
filtered means a filter was loaded without TSYNC: that thread escapes it. An io_uring
instance lets the process read, write and connect without the syscalls a filter checks.`,
  options: {},
  exitCodes: [
    [EXIT.ok, 'reported'],
    [EXIT.usage, 'the pid is not a number'],
    [EXIT.input, 'no such process, or not allowed to read it'],
  ],
  examples: ['seccomp status', 'seccomp status 1234 --json', 'seccomp run --preset docker-default -- seccomp status'],
  run({ positionals, io, json }) {
    expectPositionals(positionals, ['pid?'], 'status');
    const text = positionals[0];
    if (text !== undefined && !/^[1-9]\d*$/.test(text)) throw new UsageError(`a pid is a positive number, got "${text}"`, 'status');
    const st = readStatus(text === undefined ? undefined : Number(text));
    const cmd = commandLine(st.pid);
    if (json) {
      io.json({ ...st, command: cmd });
      return EXIT.ok;
    }
    const s = io.style;
    io.out(`${s.bold(`process ${st.pid}`)}${cmd ? ` (${cmd.length > 70 ? `${cmd.slice(0, 67)}…` : cmd})` : ''}: ${summary(st)}`);
    const rows = [['TID', 'NAME', 'MODE', 'FILTERS', 'NO_NEW_PRIVS']];
    for (const t of st.threads) rows.push([String(t.tid), t.name, t.mode, t.filters === undefined ? '?' : String(t.filters), t.noNewPrivs ? 'yes' : 'no']);
    io.out(table(rows, '  '));
    const filtered = st.threads.filter((t) => t.mode === 'filter').length;
    if (filtered > 0 && filtered < st.threads.length) {
      io.out(s.yellow(`  ${plural(st.threads.length - filtered, 'thread')} outside filter mode: a filter loaded without TSYNC does not cover them`));
    }
    io.out(st.ioUringFds.length
      ? s.yellow(`io_uring: ${plural(st.ioUringFds.length, 'instance')} (fd ${st.ioUringFds.join(', ')}): operations submitted through a ring bypass seccomp`)
      : 'io_uring: none');
    return EXIT.ok;
  },
};
