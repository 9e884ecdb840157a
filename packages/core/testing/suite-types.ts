/**
 * What a runtime package hands the conformance suite: a leaf module, so the suite (suite.ts)
 * and the parts it registers (golden.ts, lockdown-suite.ts, compile-differential.ts) share it
 * without importing one another in a circle.
 */
import type { ChildCommand } from './harness.js';

export type TestFn = (name: string, fn: () => Promise<void>) => void;

export interface SuiteAdapter {
  runtime: 'node' | 'bun' | 'deno';
  test: TestFn;
  command: ChildCommand;
  /** The machine's arch as libseccomp names it (tests of x86_64-only syscalls skip elsewhere). */
  arch: string;
  /** Registers a test as skipped, with the reason (golden BPF without a set for this libseccomp). */
  skip?: (name: string, reason: string) => void;
}
