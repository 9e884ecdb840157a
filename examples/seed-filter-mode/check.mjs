// `pnpm test`: the seed's filter-mode program on Node, Bun and Deno, verdict by verdict.
import { checkExample, KILLED_BY_SIGSYS, MAIN_THREAD_DEAD } from '../shared/check.mjs';

const STEPS = ['step 1: unrestricted', "step 2: only 'write' and dup2(1, 2) syscalls", 'step 3: stderr redirected to stdout'];

// Every step is required on every runtime: the Bun program filters its JS thread only (see
// main.bun.ts), so no helper thread's call can end a run before step 3.
checkExample(import.meta.url, () => [
  { title: 'seed example 2 —', steps: STEPS, verdicts: [KILLED_BY_SIGSYS] },
  { title: 'seed example 2b —', steps: STEPS, verdicts: [MAIN_THREAD_DEAD] },
]);
