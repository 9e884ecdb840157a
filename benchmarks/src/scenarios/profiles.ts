/**
 * The filters every group measures, built from the SDK module of whichever runtime runs
 * them (the runner builds the same ones in Node to write the C baseline's spec and to count
 * BPF instructions). Plain data: each runtime compiles them with its own libseccomp binding,
 * and the runner checks that all of them and the C baseline produce identical BPF.
 */
import type { Profile, Rule } from '@seccomp/core';
import type { Sdk } from '../kit.js';

type Core = Pick<Sdk, 'Action' | 'arg' | 'resolveOci' | 'DOCKER_DEFAULT_PROFILE' | 'syscallNames' | 'nativeArch' | 'planLockdown' | 'resolveLockdownOptions'>;

/**
 * Syscalls no JS runtime makes once it is serving (or exiting): module loading, mounts,
 * kexec, SysV IPC, tracing, keyrings, NUMA policy and legacy calls. The N-rule filters deny
 * the first N of them with EPERM and allow everything else, so a sample process survives
 * its own filter whatever the runtime does after loading it.
 */
const RARE_SYSCALLS = [
  'acct', 'add_key', 'adjtimex', 'afs_syscall', 'bpf', 'chroot', 'clock_adjtime', 'clock_settime', 'create_module',
  'delete_module', 'epoll_ctl_old', 'epoll_wait_old', 'fanotify_init', 'fanotify_mark', 'finit_module', 'fsconfig',
  'fsmount', 'fsopen', 'fspick', 'get_kernel_syms', 'getpmsg', 'init_module', 'ioperm', 'iopl', 'kcmp',
  'kexec_file_load', 'kexec_load', 'keyctl', 'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self',
  'lookup_dcookie', 'lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr', 'memfd_secret', 'migrate_pages',
  'modify_ldt', 'mount', 'mount_setattr', 'move_mount', 'move_pages', 'mq_getsetattr', 'mq_notify', 'mq_open',
  'mq_timedreceive', 'mq_timedsend', 'mq_unlink', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'name_to_handle_at',
  'nfsservctl', 'open_by_handle_at', 'open_tree', 'perf_event_open', 'personality', 'pivot_root', 'pkey_alloc',
  'pkey_free', 'pkey_mprotect', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace', 'putpmsg',
  'query_module', 'quotactl', 'quotactl_fd', 'reboot', 'remap_file_pages', 'request_key', 'security', 'semctl',
  'semget', 'semop', 'semtimedop', 'setdomainname', 'sethostname', 'setns', 'settimeofday', 'shmat', 'shmctl',
  'shmdt', 'shmget', 'swapoff', 'swapon', 'syslog', 'sysfs', 'tuxcall', 'umount2', 'unshare', 'uselib',
  'userfaultfd', 'ustat', 'vhangup', 'vserver', '_sysctl', 'io_uring_enter', 'io_uring_register', 'io_uring_setup',
];

/** openat flags that write, create or truncate: O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND (x86_64 values). */
export const OPEN_WRITE_FLAGS = 0o1 | 0o2 | 0o100 | 0o1000 | 0o2000;

/** A value no real getppid() call carries in its first register, for the stacked layers. */
const NEVER = 0xdead_beef_0bad_f00dn;

export interface ProfileInfo {
  /** What the rows of the tables call it. */
  label: string;
  /** Why it is measured. */
  note: string;
}

export const PROFILES = {
  'rules-1': { label: '1 rule', note: 'default allow, one syscall denied with EPERM' },
  'rules-10': { label: '10 rules', note: 'default allow, ten syscalls denied with EPERM' },
  'rules-100': { label: '100 rules', note: 'default allow, a hundred syscalls denied with EPERM' },
  docker: { label: "Docker's default", note: "Docker's default profile resolved for the native arch only; libseccomp optimize=1 (linear)" },
  'docker-o2': { label: "Docker's default, optimize=2", note: 'the same filter laid out as a binary tree (SCMP_FLTATR_CTL_OPTIMIZE=2)' },
  'docker-prio': { label: "Docker's default, optimize=1 + priority", note: 'linear, with every argument-checked syscall given the highest priority (checked first)' },
  'argchk-o1': { label: 'arg-checked hot syscalls, optimize=1', note: "Docker's default, but getppid only with arg0 == 0 and openat only without write/create flags" },
  'argchk-o2': { label: 'arg-checked hot syscalls, optimize=2', note: 'the same, binary tree' },
  'argchk-prio': { label: 'arg-checked hot syscalls, optimize=1 + priority', note: 'the same, linear, with every argument-checked syscall given the highest priority' },
  'stack-layer': { label: 'stack layer', note: 'default allow; getppid denied only when arg0 is a value no call passes, so getppid runs BPF in every layer' },
} as const satisfies Record<string, ProfileInfo>;

export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

function denyList(sdk: Core, count: number): Profile {
  const known = new Set<string>(sdk.syscallNames(sdk.nativeArch()));
  const names = RARE_SYSCALLS.filter((n) => known.has(n));
  if (names.length < count) throw new Error(`only ${names.length} rare syscalls exist on this arch; need ${count}`);
  return {
    defaultAction: sdk.Action.allow,
    rules: names.slice(0, count).map((name) => ({ syscalls: [name], action: sdk.Action.errno('EPERM') })),
  };
}

/** Docker's default for the native arch alone: names the arch lacks are left out, as Docker does. */
function dockerNative(sdk: Core): Profile {
  const arch = sdk.nativeArch();
  const known = new Set<string>(sdk.syscallNames(arch));
  const { profile } = sdk.resolveOci(sdk.DOCKER_DEFAULT_PROFILE, { arch });
  const rules = profile.rules
    .map((r) => ({ ...r, syscalls: r.syscalls.filter((s) => typeof s !== 'string' || known.has(s)) }))
    .filter((r) => r.syscalls.length > 0);
  return { defaultAction: profile.defaultAction, arches: [arch], rules, ...(profile.attributes && { attributes: profile.attributes }) };
}

/**
 * Argument-checked syscalls first, longest check first. With the kernel's cache, syscalls
 * allowed outright never run the filter, so only the checked ones (and denials) pay for
 * their place in a linear layout; each place costs one more instruction, so the syscall
 * whose check is longest in libseccomp's output (socket's three range tests, then
 * personality's five values, then clone's mask) goes first. The BPF group reports the
 * worst case this gives.
 */
const CHECK_ORDER = ['socket', 'personality', 'clone', 'openat', 'getppid'];

function checkedFirst(profile: Profile): Profile {
  const priority = (r: Rule) => 255 - Math.max(0, CHECK_ORDER.indexOf(String(r.syscalls[0])));
  return { ...profile, rules: profile.rules.map((r) => (r.conditions?.length ? { ...r, priority: priority(r) } : r)) };
}

/** Docker's default with getppid and openat moved from the unconditional allow list to argument-checked rules. */
function argChecked(sdk: Core, optimize: 1 | 2): Profile {
  const base = dockerNative(sdk);
  const hot = new Set(['getppid', 'openat']);
  const rules: Rule[] = base.rules
    .map((r) => (r.conditions?.length ? r : { ...r, syscalls: r.syscalls.filter((s) => !hot.has(String(s))) }))
    .filter((r) => r.syscalls.length > 0);
  rules.push(
    { syscalls: ['getppid'], action: sdk.Action.allow, conditions: [sdk.arg(0).eq(0)] },
    { syscalls: ['openat'], action: sdk.Action.allow, conditions: [sdk.arg(2).maskedEq(OPEN_WRITE_FLAGS, 0)] },
  );
  return { ...base, rules, attributes: { ...base.attributes, optimize } };
}

export function buildProfile(sdk: Core, name: ProfileName): Profile {
  switch (name) {
    case 'rules-1':
      return denyList(sdk, 1);
    case 'rules-10':
      return denyList(sdk, 10);
    case 'rules-100':
      return denyList(sdk, 100);
    case 'docker':
      return dockerNative(sdk);
    case 'docker-o2': {
      const p = dockerNative(sdk);
      return { ...p, attributes: { ...p.attributes, optimize: 2 } };
    }
    case 'docker-prio':
      return checkedFirst(dockerNative(sdk));
    case 'argchk-o1':
      return argChecked(sdk, 1);
    case 'argchk-o2':
      return argChecked(sdk, 2);
    case 'argchk-prio':
      return checkedFirst(argChecked(sdk, 1));
    case 'stack-layer':
      return {
        defaultAction: sdk.Action.allow,
        rules: [{ syscalls: ['getppid'], action: sdk.Action.errno('EPERM'), conditions: [sdk.arg(0).eq(NEVER)] }],
      };
  }
}

/**
 * What lockdown() installs for a preset, as the profiles it loads in order (its deny-only
 * argument filter, then the allowlist). The runner builds them in Node to give the C
 * baseline and the emulator the same filters; the children call lockdown() itself.
 */
export const LOCKDOWN_SETS = {
  'lockdown-node': { preset: 'node', readOnlyFs: false, label: 'lockdown, node preset' },
  'lockdown-bun': { preset: 'bun', readOnlyFs: false, label: 'lockdown, bun preset' },
  'lockdown-deno': { preset: 'deno', readOnlyFs: false, label: 'lockdown, deno preset' },
  'lockdown-docker': { preset: 'docker-default', readOnlyFs: false, label: 'lockdown, docker-default preset' },
  'lockdown-node-ro': { preset: 'node', readOnlyFs: true, label: 'lockdown readOnlyFs, node preset' },
  'lockdown-bun-ro': { preset: 'bun', readOnlyFs: true, label: 'lockdown readOnlyFs, bun preset' },
  'lockdown-deno-ro': { preset: 'deno', readOnlyFs: true, label: 'lockdown readOnlyFs, deno preset' },
  'lockdown-docker-ro': { preset: 'docker-default', readOnlyFs: true, label: 'lockdown readOnlyFs, docker-default preset' },
} as const;

export type LockdownSetName = keyof typeof LOCKDOWN_SETS;
export type FilterSetName = ProfileName | LockdownSetName;
export const FILTER_SET_NAMES = [...PROFILE_NAMES, ...(Object.keys(LOCKDOWN_SETS) as LockdownSetName[])];

export const isLockdownSet = (name: string): name is LockdownSetName => Object.hasOwn(LOCKDOWN_SETS, name);

export function setLabel(name: FilterSetName): string {
  return isLockdownSet(name) ? LOCKDOWN_SETS[name].label : PROFILES[name].label;
}

/** The profiles of a filter set, in load order: one for a plain profile, two for lockdown. */
export function buildFilterSet(sdk: Core, name: FilterSetName): Profile[] {
  if (!isLockdownSet(name)) return [buildProfile(sdk, name)];
  const { preset, readOnlyFs } = LOCKDOWN_SETS[name];
  // The runtime argument only picks the default preset, and every set names its own.
  const plan = sdk.planLockdown(sdk.resolveLockdownOptions({ preset, readOnlyFs }, 'node'), sdk.nativeArch());
  return [plan.argumentFilter, plan.mainFilter].filter((p): p is Profile => p !== undefined);
}
