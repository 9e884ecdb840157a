// `pnpm test`: the seed's strict-mode program and its process-wide filter on Node, Bun and
// Deno, verdict by verdict.
import { checkExample, KILLED_BY_SIGSYS, MAIN_THREAD_DEAD } from '../shared/check.mjs';

const STRICT = ['step 1: unrestricted', "step 2: only 'read', 'write', '_exit' and 'sigreturn' syscalls"];
const FILTER = ['step 1: unrestricted', 'step 2: read, write, exit, exit_group, rt_sigreturn on every thread'];

checkExample(import.meta.url, (runtime) => [
  // Step 2 may never print: strict mode also disables the TSC on x86, and the runtime's fault
  // handler makes a forbidden call. Whatever kills it, only the main thread dies.
  { title: 'seed example 1 —', steps: STRICT, optional: [STRICT[1]], verdicts: [MAIN_THREAD_DEAD] },
  // Node's main thread reaches step 2; Deno's calls futex right after the filter is in, and
  // Bun's timer threads call it at any moment, so there step 2 may not print.
  { title: 'seed example 1b —', steps: FILTER, optional: runtime === 'node' ? [] : [FILTER[1]], verdicts: [KILLED_BY_SIGSYS] },
]);
