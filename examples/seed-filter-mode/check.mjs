// `pnpm test`: the seed's filter-mode program on Node, Bun and Deno, verdict by verdict.
import { checkExample, KILLED_BY_SIGSYS, MAIN_THREAD_DEAD } from '../shared/check.mjs';

const STEPS = ['step 1: unrestricted', "step 2: only 'write' and dup2(1, 2) syscalls", 'step 3: stderr redirected to stdout'];

checkExample(import.meta.url, (runtime) => {
  // Bun's own threads wake on timers and call futex, which the seed's list does not allow: the
  // first such call may come before step 2 or 3 (killProcess ends everything), and under
  // killThread they die one by one until the last takes the process with SIGSYS.
  const optional = runtime === 'bun' ? STEPS.slice(1) : [];
  return [
    { title: 'seed example 2 —', steps: STEPS, optional, verdicts: [KILLED_BY_SIGSYS] },
    {
      title: 'seed example 2b —',
      steps: STEPS,
      optional,
      verdicts: runtime === 'bun' ? [MAIN_THREAD_DEAD, KILLED_BY_SIGSYS] : [MAIN_THREAD_DEAD],
    },
  ];
});
