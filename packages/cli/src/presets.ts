/**
 * Presets for `seccomp run --preset <name>`.
 *
 * node, bun, deno: lockdown()'s presets (what each runtime needs to keep serving, measured
 * on this project's machines; docs/lockdown.md), in lockdown's own layout — unknown
 * syscalls get ENOSYS, everything else it does not allow gets EPERM, clone3 gets ENOSYS so
 * glibc falls back to clone, other ABIs kill the process, raw and packet sockets are
 * refused by a second, deny-only filter. One thing is changed, because a launcher cannot
 * work without it: starting programs and processes (execve, execveat, fork, vfork, and clone
 * no longer narrowed to threads), so the launcher can fork the child that becomes the
 * command. The filter is inherited, so the command may also start programs; everything else
 * lockdown denies stays denied. (A process that should never start one calls lockdown()
 * itself once it has started.)
 *
 * docker-default: Docker's own profile as core ships it, resolved for this machine (arch,
 * kernel) the way Docker would for a container without extra capabilities.
 */
import {
  DOCKER_DEFAULT_PROFILE, nativeArch, syscallNames, validateProfile, type Profile,
  type RuntimePresetName,
} from '@seccomp/node';
import { planLockdown, PRESETS, resolveLockdownOptions, SELF_RULES } from '@seccomp/core/internal';
import { UsageError } from './errors.js';
import { NODE_BASELINE } from './launch.js';
import { readProfileJson, thisKernel, type PolicyOptions } from './policy.js';
import { suggestOne } from '@seccomp/core/internal';

export const PRESET_NAMES = [...(Object.keys(PRESETS) as RuntimePresetName[]), 'docker-default'] as const;

/**
 * Starting programs and processes, which lockdown denies. The launcher itself needs execve
 * and a process-creating clone; since the command inherits the filter and clone(SIGCHLD)
 * is a fork anyway, fork, vfork (dash runs commands with it) and execveat are allowed too.
 */
export const LAUNCH = ['execve', 'execveat', 'fork', 'vfork'];
/** Allowed too (most presets have them): what the Node launcher may need while it waits. */
const ALSO = NODE_BASELINE;

export interface PresetPlan {
  name: string;
  /** In load order. */
  profiles: Profile[];
  warnings: readonly string[];
}

function isRuntimePreset(name: string): name is RuntimePresetName {
  return Object.hasOwn(PRESETS, name);
}

/** lockdown's plan for the preset, with execve allowed and clone left to the main filter. */
export function runtimePresetProfiles(name: RuntimePresetName): Profile[] {
  const arch = nativeArch();
  const plan = planLockdown(resolveLockdownOptions({ preset: name }, name), arch);
  const known = new Set<string>(syscallNames(arch));
  const rules = plan.mainFilter.rules.flatMap((rule) => {
    const allows = rule.action.kind === 'allow';
    const extra = [...LAUNCH, ...ALSO.filter((n) => known.has(n))];
    const syscalls = allows ? [...new Set([...rule.syscalls, ...extra])] : rule.syscalls.filter((s) => !extra.includes(String(s)));
    return syscalls.length ? [{ ...rule, syscalls }] : [];
  });
  const main = validateProfile({ ...plan.mainFilter, rules });
  return [launcherArgumentFilter(plan.argumentFilter, known), main];
}

/**
 * lockdown's argument filter, opened for the launcher: its clone checks would stop the fork,
 * and its checks on the process itself name lockdown's own pid, which the command (a child of
 * the launcher) does not have; those calls are allowed outright. The socket table stays, and
 * execve and the rest of LAUNCH pass it, since the main filter decides them.
 */
function launcherArgumentFilter(filter: Profile, known: Set<string>): Profile {
  const opened = new Set<string>(['clone', ...SELF_RULES.map((r) => r.syscall)]);
  const [outright, ...checked] = filter.rules;
  const kept = checked.filter((r) => !r.syscalls.some((s) => opened.has(String(s))));
  const more = [...opened, ...LAUNCH, ...ALSO].filter((n) => known.has(n));
  const all = { ...outright!, syscalls: [...new Set([...outright!.syscalls, ...more])].sort() };
  return validateProfile({ ...filter, rules: [all, ...kept] });
}

export function presetPlan(name: string, options: PolicyOptions): PresetPlan {
  if (isRuntimePreset(name)) return { name, profiles: runtimePresetProfiles(name), warnings: [] };
  if (name === 'docker-default') {
    const policy = readProfileJson(DOCKER_DEFAULT_PROFILE, 'preset docker-default', { kernelVersion: thisKernel(), ...options });
    return { name, profiles: [policy.profile], warnings: policy.warnings };
  }
  const guess = suggestOne(name, PRESET_NAMES, { prefix: true });
  throw new UsageError(`unknown preset "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; available: ${PRESET_NAMES.join(', ')}`, 'run');
}
