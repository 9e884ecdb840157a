/**
 * How much of each group a run measures. Full: what the committed results come from (the
 * issue asks for under 10 minutes on 2 cores). Quick: every group on every runtime, a few
 * samples each, for CI (under a minute).
 */
import type { FilterSetName, ProfileName } from '../scenarios/profiles.js';

export interface SyscallConfig {
  id: string;
  label: string;
  /** Filter sets loaded in order (stacked); empty for the control. */
  profiles: FilterSetName[];
  /**
   * The JS children call lockdown() with their runtime's preset instead; C loads `profiles`
   * (lockdown's filters for the docker-default preset: the same layout and size).
   */
  lockdown?: { readOnlyFs: boolean };
}

export interface Plan {
  load: { samples: number; profiles: ProfileName[] };
  /** Fresh processes per subject and path (C, and per runtime the TypeScript compiler and the libseccomp path). */
  compile: { samples: number };
  /** Rounds of fresh processes: each runtime's six steps (bare start first) and the two C programs per runtime's preset. */
  coldstart: { samples: number };
  ffi: { rounds: number; minCpuMs: number; cBatches: number; cIterations: number };
  /** Each configuration runs in `processes` fresh children per runtime (and C); each measures `rounds` times per phase. */
  syscall: { processes: number; rounds: number; minCpuMs: number; cBatches: number; cIterations: number; configs: SyscallConfig[] };
  http: { rounds: number; seconds: number; warmupSeconds: number; connections: number };
}

const stack = (n: number): SyscallConfig => ({
  id: `stack-${n}`,
  label: `${n} stacked filter${n > 1 ? 's' : ''}`,
  profiles: Array.from({ length: n }, () => 'stack-layer' as const),
});

export const SYSCALL_CONFIGS: SyscallConfig[] = [
  { id: 'control', label: 'no filter (control)', profiles: [] },
  { id: 'rules-1', label: '1 rule', profiles: ['rules-1'] },
  { id: 'docker', label: "Docker's default, optimize=1", profiles: ['docker'] },
  { id: 'docker-o2', label: "Docker's default, optimize=2", profiles: ['docker-o2'] },
  { id: 'lockdown', label: 'lockdown() (C: docker-default preset)', profiles: ['lockdown-docker'], lockdown: { readOnlyFs: false } },
  { id: 'lockdown-ro', label: 'lockdown({ readOnlyFs }) (C: docker-default preset)', profiles: ['lockdown-docker-ro'], lockdown: { readOnlyFs: true } },
  { id: 'argchk-o1', label: 'arg-checked getppid/openat, optimize=1', profiles: ['argchk-o1'] },
  { id: 'argchk-o2', label: 'arg-checked getppid/openat, optimize=2', profiles: ['argchk-o2'] },
  { id: 'argchk-prio', label: 'arg-checked getppid/openat, optimize=1 + priority', profiles: ['argchk-prio'] },
  stack(1),
  stack(4),
  stack(16),
];

export const FULL: Plan = {
  load: { samples: 31, profiles: ['rules-1', 'rules-10', 'rules-100', 'docker'] },
  compile: { samples: 31 },
  coldstart: { samples: 31 },
  ffi: { rounds: 3, minCpuMs: 150, cBatches: 101, cIterations: 200_000 },
  syscall: { processes: 3, rounds: 2, minCpuMs: 50, cBatches: 101, cIterations: 4000, configs: SYSCALL_CONFIGS },
  http: { rounds: 9, seconds: 1.5, warmupSeconds: 1.5, connections: 16 },
};

export const QUICK: Plan = {
  load: { samples: 2, profiles: ['docker'] },
  compile: { samples: 2 },
  coldstart: { samples: 2 },
  ffi: { rounds: 1, minCpuMs: 10, cBatches: 11, cIterations: 20_000 },
  syscall: {
    processes: 1,
    rounds: 1,
    minCpuMs: 10,
    cBatches: 11,
    cIterations: 1000,
    configs: SYSCALL_CONFIGS.filter((c) => ['control', 'lockdown-ro', 'stack-4'].includes(c.id)),
  },
  http: { rounds: 1, seconds: 0.5, warmupSeconds: 0.3, connections: 8 },
};
