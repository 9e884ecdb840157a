/**
 * Presets: what a runtime needs to keep serving HTTP once it has started. Written as syscall
 * specs (groups widen what was measured to whole families, so a code path the measurement
 * did not hit is not a crash waiting to happen); measured.generated.ts holds what each
 * runtime was seen doing, and a unit test checks every preset covers its measurement.
 *
 * Nothing here needs to leave out what lockdown always denies (deny.ts): the fixed deny list
 * wins over any preset. clone and socket are allowed here and narrowed by lockdown's
 * argument checks (threads only; the sockets of sockets.ts; signals to itself only).
 */
import type { ArchName } from '../arch.js';
import { SYSCALL_NAMES } from '../syscalls/table.generated.js';
import { DOCKER_DEFAULT_BITS } from './docker-preset.generated.js';

/**
 * What all three runtimes were measured using after start-up, widened to their groups: the
 * event loop (@io-event), sockets, files by path and descriptor, signals, timers, sync.
 */
const SERVING = [
  '@default', '@basic-io', '@file-system', '@io-event', '@network-io', '@signal', '@sync', '@timer',
  // Memory beyond @default's mmap/munmap/mprotect/brk: the garbage collectors return and remap pages.
  'madvise', 'mincore', 'mremap', 'memfd_create',
  // New threads (clone is narrowed to CLONE_THREAD), naming them, and reaping.
  'clone', 'prctl', 'wait4', 'waitid',
  // Signals, priority, affinity and limits, each narrowed to the process itself (self.ts).
  'kill', 'tgkill', 'tkill', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'setpriority', 'sched_setaffinity', 'prlimit64',
  // System information libuv, Rust's std and JavaScriptCore ask for.
  'ioctl', 'uname', 'sysinfo', 'getrusage', 'times', 'getcpu', 'capget',
  'sched_getparam', 'sched_getscheduler', 'sched_get_priority_max', 'sched_get_priority_min', 'getpriority',
  'pipe', 'pipe2',
] as const;

/**
 * V8 protects its code space with memory protection keys where the CPU has them; the keys
 * are taken at start-up, but new code pages are keyed later.
 */
const V8 = ['@pkey'] as const;

export const PRESETS = Object.freeze({
  /** Node (libuv, V8): measured with node:http. */
  node: Object.freeze([...SERVING, ...V8]),
  /** Bun (JavaScriptCore, its own event loop): measured with Bun.serve and node:http. */
  bun: Object.freeze([...SERVING]),
  /** Deno (tokio, V8): measured with Deno.serve and node:http. */
  deno: Object.freeze([...SERVING, ...V8]),
} as const);

export type RuntimePresetName = keyof typeof PRESETS;
export type LockdownPresetName = RuntimePresetName | 'docker-default';
export const PRESET_NAMES: readonly LockdownPresetName[] = Object.freeze(['node', 'bun', 'deno', 'docker-default']);

export function isPresetName(value: unknown): value is LockdownPresetName {
  return typeof value === 'string' && (PRESET_NAMES as readonly string[]).includes(value);
}

const dockerCache = new Map<ArchName, readonly string[]>();

/**
 * Docker's default profile as a preset: every syscall its resolved form allows on `arch`
 * (no added capabilities, a current kernel), conditional rules included, since lockdown
 * narrows clone and socket itself and denies personality outright. Read from a table
 * scripts/gen/lockdown.ts resolves from Docker's profile (docker-preset.generated.ts), sorted.
 */
export function dockerDefaultSyscalls(arch: ArchName): readonly string[] {
  let names = dockerCache.get(arch);
  if (!names) {
    const hex = DOCKER_DEFAULT_BITS[arch];
    if (hex === undefined) throw new RangeError(`No docker-default preset for ${arch}; run \`pnpm gen\`.`);
    const bits = BigInt(`0x${hex}`);
    names = Object.freeze(SYSCALL_NAMES.filter((_, i) => (bits >> BigInt(i)) & 1n));
    dockerCache.set(arch, names);
  }
  return names;
}

/** The specs of a named preset on `arch`. */
export function presetSpecs(name: LockdownPresetName, arch: ArchName): readonly string[] {
  return name === 'docker-default' ? dockerDefaultSyscalls(arch) : PRESETS[name];
}
