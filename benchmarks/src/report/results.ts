/** The shape of results.json. */
import type { BpfResult } from '../groups/bpf.js';
import type { CheckResult } from '../groups/check.js';
import type { ColdStartResult } from '../groups/coldstart.js';
import type { CompileResult } from '../groups/compile.js';
import type { FfiResult } from '../groups/ffi.js';
import type { HttpResult } from '../groups/http.js';
import type { LoadResult } from '../groups/load.js';
import type { SyscallConfigResult } from '../groups/syscall.js';
import type { Environment } from '../runner/env.js';
import type { Plan } from '../runner/plan.js';

export interface Results {
  schema: 1;
  command: string;
  quick: boolean;
  environment: Environment;
  plan: Plan;
  /** Each filter set's BPF: the same bytes from every runtime's SDK and from C. */
  check: CheckResult;
  groups: {
    bpf?: BpfResult;
    ffi?: FfiResult;
    load?: LoadResult;
    compile?: CompileResult;
    coldstart?: ColdStartResult;
    syscall?: SyscallConfigResult[];
    http?: HttpResult;
  };
  seconds: { total: number; groups: Record<string, number> };
}
