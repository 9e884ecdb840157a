/**
 * What `pnpm test` must run, and the only skips each run may report, as root and as an
 * unprivileged user. tools/test-results.mjs reads the JUnit file every run writes to
 * .test-results/<id>.xml and fails on a run that is missing and on any skip not listed here:
 * a skip is a check that did not run, so it has to name a condition of this run that the
 * test itself cannot change (no capabilities, no readable kernel log).
 */

/**
 * Every test run: its result file's id, its package and the runtime it runs under.
 * @type {{ id: string, pkg: string, runtime: 'node' | 'bun' | 'deno' }[]}
 */
export const RUNS = [
  // Unit tests (node:test API): the same files under all three runners, but for
  // bpf-kernel.test.ts, which asks the kernel through Node children (the runner's runtime
  // does not matter there, and Bun and Deno children would test another program).
  { id: 'core.node', pkg: '@seccomp/core', runtime: 'node' },
  { id: 'core.bun', pkg: '@seccomp/core', runtime: 'bun' },
  { id: 'core.deno', pkg: '@seccomp/core', runtime: 'deno' },
  // The conformance suite and each binding's own tests; children load the built packages
  // (Deno: both the source JSR serves and the npm build).
  { id: 'node.node', pkg: '@seccomp/node', runtime: 'node' },
  { id: 'bun.bun', pkg: '@seccomp/bun', runtime: 'bun' },
  { id: 'deno.deno', pkg: '@seccomp/deno', runtime: 'deno' },
  // The CLI is a Node program (its bin runs on Node); its tests start Bun and Deno children.
  { id: 'cli.node', pkg: '@seccomp/cli', runtime: 'node' },
  { id: 'benchmarks.node', pkg: '@seccomp/benchmarks', runtime: 'node' },
  { id: 'benchmarks.bun', pkg: '@seccomp/benchmarks', runtime: 'bun' },
  { id: 'benchmarks.deno', pkg: '@seccomp/benchmarks', runtime: 'deno' },
  // A node:test parent that runs the Node, Bun and Deno applications as children.
  { id: 'apps.node', pkg: '@seccomp/example-apps', runtime: 'node' },
];

const CONFORMANCE = ['node.node', 'bun.bun', 'deno.deno'];
/** How the conformance suite's names end: Deno's second run, on the npm build, says so. */
const END = String.raw`(?: \[npm build\])?$`;
const conformance = (/** @type {string} */ pattern) => new RegExp(String.raw`^\[(?:node|bun|deno)\] ${pattern}${END}`);

// The reasons, as packages/core/testing/privileges.ts and kmsg.ts word them.
const lacksCapabilities = /^this run \(euid \d+, CapEff [0-9a-f]+\) lacks CAP_/;
const lacksNetRaw = /^this run \(euid \d+, CapEff [0-9a-f]+\) lacks .*\bCAP_NET_RAW\b/;
const kernelLogUnreadable = /^this user cannot read the kernel log \(\/dev\/kmsg: E[A-Z]+\)/;

/**
 * printk lets through a burst of audit records per 5 s for the whole machine; when the CLI's
 * decode tests still find no record after waiting out a window, and the kernel reported
 * records dropped since the test began, the record is gone and the test says so.
 */
const kernelDroppedRecords = { runs: ['cli.node'], name: /kernel log/, reason: /^the kernel dropped audit records during this run\b/ };

/**
 * Skips allowed per privilege level. `runs` are ids from RUNS; `name` and `reason` must both
 * match. A reason the runner does not record (bun test drops node:test's skip reasons) is
 * taken from a "(skipped: …)" suffix of the name, which the Bun and Deno adapters add.
 */
export const EXPECTED_SKIPS = {
  // As root every capability is held and the kernel log is readable: only a kernel that
  // drops audit records mid-run (the CLI's decode test retries, then says so) may skip.
  root: [kernelDroppedRecords],
  unprivileged: [
    { runs: CONFORMANCE, name: conformance(String.raw`lockdown: control of attacks the kernel refuses without privileges \(.*\)`), reason: lacksCapabilities },
    { runs: CONFORMANCE, name: conformance('lockdown: dryRun lets a packet socket through'), reason: lacksNetRaw },
    { runs: CONFORMANCE, name: conformance('action (?:allow|log): the kernel log shows whether the call was logged'), reason: kernelLogUnreadable },
    { runs: CONFORMANCE, name: conformance('lockdown: logDenials (?:on|off)\\b.*'), reason: kernelLogUnreadable },
    { runs: CONFORMANCE, name: conformance('lockdown: dryRun: the kernel log shows each call it let through'), reason: kernelLogUnreadable },
    kernelDroppedRecords,
    // cli/test/decode.test.ts reads the kernel log through dmesg.
    { runs: ['cli.node'], name: /kernel log/, reason: new RegExp(`^the kernel log is not readable here: ${kernelLogUnreadable.source.slice(1)}`) },
    // Every app's raw-socket probe: without CAP_NET_RAW the kernel refuses it before lockdown.
    { runs: ['apps.node'], name: / > probe: open a raw socket → /, reason: /^raw sockets need CAP_NET_RAW, which this user lacks\b/ },
  ],
};
