/** @seccomp/core/testing — the conformance suite every runtime package runs. */
export { defineConformanceSuite } from './suite.js';
export type { SuiteAdapter, TestFn } from './suite-types.js';
export { runChild, type ChildCommand, type ChildOutcome, type RunOptions } from './harness.js';
// The child ↔ parent line protocol, also at @seccomp/core/testing/reports (imports nothing).
export { REPORT_PREFIX, reportLine, parseReportLine, parseReports, errorReport, type ErrorReport } from './reports.js';
export { SCENARIOS, PROBES } from './scenarios.js';
export type { Scenario, ScenarioApi } from './scenario-types.js';
export { defineLockdownSuite } from './lockdown-suite.js';
export { defineCompileDifferential, type CompileDifferentialAdapter, type LibseccompSide, type LibseccompFilter } from './compile-differential.js';
export { LOCKDOWN_SCENARIOS } from './lockdown-scenarios.js';
export { buildAttackHelper } from './attack/build.js';
export { defineGoldenTests, findGoldenDir, readManifest, goldenSetFor, type GoldenManifest, type GoldenSet, type GoldenFile, type GoldenOutput } from './golden.js';
// What the CLI's tests need to tell a condition of this run from a failure.
export { kernelLogMark, kernelLogReadable, kernelLogSince } from './kmsg.js';
// One expectation for the three runtime packages' export lists.
export { BOUND_EXPORTS, expectedRuntimeExports, runtimeSurfaceProblems } from './surface.js';
