/**
 * What a scenario is and what it is handed: a leaf module, so the scenario tables
 * (scenarios.ts, lockdown-scenarios.ts) and the helpers they call (corpus*.ts) share these
 * types without importing one another in a circle.
 */
import type * as Core from '../src/index.js';
import type { Seccomp } from '../src/index.js';

/** A runtime package's public API as a child sees it (core's exports plus the bound calls). */
export type ScenarioApi = typeof Core & Seccomp;
/** Sends one report to the parent (see report.ts), before the scenario ends or the kernel kills it. */
export type Report = (value: unknown) => void;
export type Scenario = (api: ScenarioApi, params: any, report: Report) => unknown;
