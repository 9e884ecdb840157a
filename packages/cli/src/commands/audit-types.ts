/** What `seccomp audit` reports, as fields a script can read (`--json`) and a test can assert. */
import { emulate, type ArchName, type PreparedBpf } from '@seccomp/node';
import { runs } from '../verdict.js';
import type { Bypass } from './audit-entry.js';

export type Severity = 'high' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** What kind of finding: `entry-point-x86`, `not-on-arch`, `unknown-syscall`, `exec-allowed`, … */
  code: string;
  /** The same as `code` (the name earlier versions used). */
  id: string;
  message: string;
  /** The syscall the finding is about. */
  syscall?: string;
  /** The arch it is about: the entry point, or where a name is missing. */
  arch?: ArchName;
  /** not-on-arch: the filter's arches that lack the name. */
  arches?: readonly ArchName[];
  /** not-on-arch: the arches that do have it. */
  existsOn?: readonly ArchName[];
  /** Where in the file (the first place, when a name is listed more than once). */
  path?: string;
  /** How many times the name is listed. */
  occurrences?: number;
  /** unknown-syscall: the closest known names. */
  suggestions?: readonly string[];
  /** entry-point: the native arch compared with. */
  primary?: ArchName;
  /** entry-point: each call that gets through, with the arguments it was probed with. */
  bypasses?: readonly Bypass[];
  /** Every syscall the finding is about, where the message can only list some. */
  syscalls?: string[];
  /** code `oci`: the import warning's own code (resolveOci's `details`). */
  oci?: string;
}

/** `code` and its older name `id`, which always agree. */
export function codeOf(code: string): { code: string; id: string } {
  return { code, id: code };
}

export class Verdicts {
  constructor(private readonly program: PreparedBpf) {}
  action(arch: ArchName, syscall: string, args: readonly bigint[] = []) {
    return emulate(this.program, { arch, syscall, args }).action;
  }
  runs(arch: ArchName, syscall: string, args: readonly bigint[] = []): boolean {
    return runs(this.action(arch, syscall, args));
  }
}
