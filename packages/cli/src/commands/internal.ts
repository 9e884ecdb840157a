/**
 * Commands the CLI starts in a child of its own; not for users. Filters are only ever
 * loaded in such a child (or in `run`, whose whole purpose is to be the sandbox), never in
 * the process that reports on them.
 */
import { Action, loadProfile, rawSyscall, status, SyscallFilter, errnoName } from '@seccomp/node';
import { writeSync } from 'node:fs';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { EXIT } from '../exit.js';
import { prepareSignals, launch } from '../launch.js';

/** learn's launcher: a filter that notifies on every syscall, then the same launch as run. */
export const learnChildCommand: Command = {
  name: '__learn-child',
  hidden: true,
  summary: 'internal: the launcher `learn` supervises',
  usage: 'seccomp __learn-child -- <cmd> [args…]',
  description: 'Loads a filter whose default action is notify, then starts the command like `run`.',
  options: {},
  exitCodes: [],
  run({ rest }) {
    if (!rest?.length) throw new UsageError('missing the command');
    prepareSignals();
    // Kept referenced until exit: the filter context owns the listener fd's bookkeeping.
    const filter = new SyscallFilter(Action.notify);
    filter.load();
    (globalThis as { __seccompLearnFilter?: unknown }).__seccompLearnFilter = filter;
    return launch(rest);
  },
};

/** One JSON line for doctor; each step reports instead of throwing, so one failure does not hide the rest. */
export const probeCommand: Command = {
  name: '__probe',
  hidden: true,
  summary: 'internal: doctor\'s test of NO_NEW_PRIVS and filter loading',
  usage: 'seccomp __probe',
  description: 'Sets NO_NEW_PRIVS, loads a small filter with TSYNC and checks that it answers.',
  options: {},
  exitCodes: [],
  run() {
    const report: Record<string, unknown> = {};
    const step = (name: string, fn: () => unknown) => {
      try {
        report[name] = { ok: true, value: fn() };
      } catch (err) {
        report[name] = { ok: false, error: (err as Error).message };
      }
    };
    // NO_NEW_PRIVS alone first (PR_SET_NO_NEW_PRIVS = 38): it is what lets an unprivileged process load filters.
    step('noNewPrivs', () => {
      const r = rawSyscall('prctl', 38, 1, 0, 0, 0);
      if (r.ret !== 0) throw new Error(`prctl(PR_SET_NO_NEW_PRIVS) failed: ${errnoName(r.errno) ?? r.errno}`);
      return true;
    });
    step('filter', () => {
      loadProfile({ defaultAction: Action.allow, rules: [{ syscalls: ['getppid'], action: Action.errno('EDOM') }] });
      const r = rawSyscall('getppid');
      const st = status();
      return {
        answered: r.ret === -1 ? errnoName(r.errno) ?? r.errno : 'the call ran',
        threads: st.threads.length,
        filtered: st.threads.filter((t) => t.mode === 'filter').length,
        filters: st.threads[0]?.filters,
      };
    });
    writeSync(1, `${JSON.stringify(report)}\n`);
    return EXIT.ok;
  },
};
