// `pnpm test`: the seed's strict-mode program and its process-wide filter on Node, Bun and
// Deno, verdict by verdict.
import { checkExample, KILLED_BY_SIGSYS, MAIN_THREAD_DEAD } from '../shared/check.mjs';

const STRICT = ['step 1: unrestricted', "step 2: only 'read', 'write', '_exit' and 'sigreturn' syscalls"];
const FILTER = ['step 1: unrestricted', 'step 2: read, write, exit, exit_group, rt_sigreturn on every thread'];

/**
 * Steps a runtime may not reach, each with its reason (each seen on x86_64 with Linux 6.18,
 * Node 20, Bun 1.4, Deno 2.9; every other step is required):
 * - strict mode on Node and Deno: strict mode also disables the TSC on x86 (the kernel sets
 *   TIF_NOTSC), the runtime reads it (rdtsc, through the vDSO clock) right after the prctl,
 *   the fault's signal handler then calls rt_sigaction, and strict mode kills the thread —
 *   the kernel log shows the kill at syscall=13 (rt_sigaction) for both. Bun reaches step 2.
 * - the strict filter on Deno: its main thread calls futex to wake one of its own threads
 *   right after the filter is in, and futex is not in the strict set.
 * - the strict filter on Bun: its timer threads call futex at any moment, and TSYNC put them
 *   under the strict set too, so the kill may come before step 2.
 */
const TSC_FAULT = 'strict mode disables the TSC on x86, the runtime reads it and its fault handler calls rt_sigaction';
checkExample(import.meta.url, (runtime) => [
  { title: 'seed example 1 —', steps: STRICT, exceptions: runtime === 'bun' ? {} : { [STRICT[1]]: TSC_FAULT }, verdicts: [MAIN_THREAD_DEAD] },
  {
    title: 'seed example 1b —',
    steps: FILTER,
    exceptions: {
      node: {},
      deno: { [FILTER[1]]: 'Deno’s main thread calls futex right after the filter is in' },
      bun: { [FILTER[1]]: 'Bun’s timer threads call futex at any moment, on every thread under TSYNC' },
    }[runtime],
    verdicts: [KILLED_BY_SIGSYS],
  },
]);
