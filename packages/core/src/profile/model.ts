/**
 * The SDK's own profile: what a filter should do, independent of any runtime. It is plain
 * data (actions and conditions are frozen objects; comparison values are bigint), so it can
 * be built in code, validated, serialised (`profileToJSON`) and compiled by any backend.
 */
import type { Action } from '../actions.js';
import type { ArchName } from '../arch.js';
import type { Condition } from '../compare.js';

export interface Rule {
  /** Syscall names, or numbers on the filter's native arch. */
  readonly syscalls: readonly (string | number)[];
  readonly action: Action;
  /** All must hold (AND). At most one per argument index. */
  readonly conditions?: readonly Condition[];
  /** seccomp_rule_add_exact: no per-arch rewriting; fails where the syscall does not exist. */
  readonly exact?: boolean;
  /** seccomp_syscall_priority (0–255): a hint for the filter's layout, never a verdict. */
  readonly priority?: number;
  readonly comment?: string;
}

export interface ProfileAttributes {
  /** Synchronise every thread (SECCOMP_FILTER_FLAG_TSYNC). Default true. */
  readonly tsync?: boolean;
  /** Set NO_NEW_PRIVS before loading. Default true. */
  readonly noNewPrivs?: boolean;
  /** Log every action except allow (SECCOMP_FILTER_FLAG_LOG). Default false. */
  readonly log?: boolean;
  /** Skip the Spectre-v4 mitigation (SECCOMP_FILTER_FLAG_SPEC_ALLOW). Default false. */
  readonly specAllow?: boolean;
  /** libseccomp's layout: 1 = linear by priority, 2 = binary tree. Default 1. */
  readonly optimize?: 1 | 2;
  /** What a syscall from an arch the filter does not list gets. Default killProcess. */
  readonly badArchAction?: Action;
  /** Return raw kernel error codes from libseccomp calls. */
  readonly rawRc?: boolean;
  /** Allow rules on syscall -1 (SCMP_FLTATR_API_TSKIP). */
  readonly apiTskip?: boolean;
}

export interface Profile {
  readonly defaultAction: Action;
  /** Arches the filter covers; empty or absent = the native arch only. */
  readonly arches?: readonly ArchName[];
  readonly rules: readonly Rule[];
  readonly attributes?: ProfileAttributes;
}
