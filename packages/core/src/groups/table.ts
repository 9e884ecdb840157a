/**
 * The syscall groups, by what the calls do. The names follow systemd's SystemCallFilter=
 * groups because users already know them; the members are this project's own reading of
 * what each syscall does, checked against the tables in ../syscalls.
 *
 * A member is a syscall name or another group (`@default`). Each list names every arch's
 * spelling of a call (`fstat`, `fstat64`, `newfstatat`, `fstatat64`; `futex`, `futex_time64`);
 * expansion keeps the ones the arch has. Groups may overlap: `@obsolete` repeats calls that
 * also belong to the group describing what they did.
 *
 * Keep every list sorted, nested groups first, so diffs stay readable (a test checks).
 */
import type { SyscallName } from '../syscalls/index.js';
import { SYSCALL_NAMES } from '../syscalls/table.generated.js';

export type GroupRef = `@${string}`;

export interface GroupDef {
  readonly description: string;
  readonly members: readonly (SyscallName | GroupRef)[];
}

// Typing members as SyscallName makes a misspelt syscall a compile error; a misspelt group
// reference is caught by the tests and, at run time, by expansion.
// prettier-ignore
export const GROUPS = {
  '@aio': {
    description: 'Asynchronous I/O: the Linux AIO context calls and io_uring.',
    members: [
      'io_cancel', 'io_destroy', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64', 'io_setup',
      'io_submit', 'io_uring_enter', 'io_uring_register', 'io_uring_setup',
    ],
  },
  '@basic-io': {
    description: 'Reading, writing, seeking, duplicating and closing file descriptors that are already open.',
    members: [
      '_llseek', 'close', 'close_range', 'dup', 'dup2', 'dup3', 'lseek', 'pread64', 'preadv', 'preadv2',
      'pwrite64', 'pwritev', 'pwritev2', 'read', 'readv', 'write', 'writev',
    ],
  },
  '@chown': {
    description: 'Changing the owner and group of files.',
    members: ['chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32'],
  },
  '@clock': {
    description: 'Setting or slewing the system clocks (reading them is in @default).',
    members: ['adjtimex', 'clock_adjtime', 'clock_adjtime64', 'clock_settime', 'clock_settime64', 'settimeofday', 'stime'],
  },
  '@cpu-emulation': {
    description: 'x86 segment tables and virtual-8086 mode, used by emulators such as DOSEMU and Wine.',
    members: ['modify_ldt', 'vm86', 'vm86old'],
  },
  '@debug': {
    description: "Inspecting or controlling other processes: tracing, reading and writing their memory, taking their file descriptors, performance counters.",
    members: [
      'breakpoint', 'kcmp', 'lookup_dcookie', 'perf_event_open', 'pidfd_getfd', 'process_vm_readv',
      'process_vm_writev', 'ptrace', 's390_runtime_instr', 'sys_debug_setcontext',
    ],
  },
  '@default': {
    description:
      'What nearly every process needs to start and run: exiting, signal return, heap and mappings, ' +
      'futexes and thread setup, reading its own ids, limits and the clocks, sleeping, random bytes.',
    members: [
      'arch_prctl', 'brk', 'cacheflush', 'clock_getres', 'clock_getres_time64', 'clock_gettime',
      'clock_gettime64', 'clock_nanosleep', 'clock_nanosleep_time64', 'exit', 'exit_group', 'futex',
      'futex_requeue', 'futex_time64', 'futex_wait', 'futex_waitv', 'futex_wake', 'get_robust_list',
      'get_thread_area', 'get_tls', 'getegid', 'getegid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32',
      'getgroups', 'getgroups32', 'getpagesize', 'getpgrp', 'getpid', 'getppid', 'getrandom', 'getresgid',
      'getresgid32', 'getresuid', 'getresuid32', 'getrlimit', 'gettid', 'gettimeofday', 'getuid',
      'getuid32', 'membarrier', 'mmap', 'mmap2', 'mprotect', 'munmap', 'nanosleep', 'pause', 'prlimit64',
      'restart_syscall', 'riscv_flush_icache', 'riscv_hwprobe', 'rseq', 'rseq_slice_yield', 'rt_sigreturn',
      'sched_getaffinity', 'sched_yield', 'set_robust_list', 'set_thread_area', 'set_tid_address',
      'set_tls', 'sigreturn', 'time', 'ugetrlimit',
    ],
  },
  '@file-system': {
    description:
      'Working with files by path or descriptor: opening, creating, renaming and removing them, ' +
      'metadata, permissions, timestamps, extended attributes, directory listings, locks and change notification.',
    members: [
      'access', 'arm_fadvise64_64', 'cachestat', 'chdir', 'chmod', 'copy_file_range', 'creat',
      'faccessat', 'faccessat2', 'fadvise64', 'fadvise64_64', 'fallocate', 'fanotify_init',
      'fanotify_mark', 'fchdir', 'fchmod', 'fchmodat', 'fchmodat2', 'fcntl', 'fcntl64', 'fgetxattr',
      'file_getattr', 'file_setattr', 'flistxattr', 'flock', 'fremovexattr', 'fsetxattr', 'fstat',
      'fstat64', 'fstatat64', 'fstatfs', 'fstatfs64', 'ftruncate', 'ftruncate64', 'futimesat', 'getcwd',
      'getdents', 'getdents64', 'getxattr', 'getxattrat', 'inotify_add_watch', 'inotify_init',
      'inotify_init1', 'inotify_rm_watch', 'lgetxattr', 'link', 'linkat', 'listxattr', 'listxattrat',
      'llistxattr', 'lremovexattr', 'lsetxattr', 'lstat', 'lstat64', 'mkdir', 'mkdirat', 'mknod',
      'mknodat', 'name_to_handle_at', 'newfstatat', 'open', 'openat', 'openat2', 'readahead', 'readlink',
      'readlinkat', 'removexattr', 'removexattrat', 'rename', 'renameat', 'renameat2', 'rmdir', 'sendfile',
      'sendfile64', 'setxattr', 'setxattrat', 'stat', 'stat64', 'statfs', 'statfs64', 'statx', 'symlink',
      'symlinkat', 'truncate', 'truncate64', 'umask', 'unlink', 'unlinkat', 'utime', 'utimensat',
      'utimensat_time64', 'utimes',
    ],
  },
  '@io-event': {
    description: 'Waiting for descriptors to become ready: epoll, poll, select and eventfd.',
    members: [
      '_newselect', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'epoll_pwait2',
      'epoll_wait', 'eventfd', 'eventfd2', 'poll', 'ppoll', 'ppoll_time64', 'pselect6', 'pselect6_time64',
      'select',
    ],
  },
  '@ipc': {
    description: 'Talking to other processes without sockets: pipes and splicing, SysV message queues, semaphores and shared memory, POSIX message queues.',
    members: [
      'ipc', 'mq_getsetattr', 'mq_notify', 'mq_open', 'mq_timedreceive', 'mq_timedreceive_time64',
      'mq_timedsend', 'mq_timedsend_time64', 'mq_unlink', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'pipe',
      'pipe2', 'semctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64', 'shmat', 'shmctl', 'shmdt',
      'shmget', 'splice', 'tee', 'vmsplice',
    ],
  },
  '@keyring': {
    description: "The kernel's key retention service.",
    members: ['add_key', 'keyctl', 'request_key'],
  },
  '@known': {
    description: 'Every syscall the tables know, on any arch (as systemd\'s @known: every syscall it was built knowing).',
    members: SYSCALL_NAMES,
  },
  '@memlock': {
    description: 'Locking and unlocking memory in RAM (as systemd\'s @memlock).',
    members: ['mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'],
  },
  '@memory': {
    description: 'Mapping, protecting, locking and placing memory, anonymous memory files and userfaultfd.',
    members: [
      '@memlock',
      'brk', 'get_mempolicy', 'madvise', 'map_shadow_stack', 'mbind', 'memfd_create', 'memfd_secret',
      'migrate_pages', 'mincore', 'mmap', 'mmap2', 'move_pages',
      'mprotect', 'mremap', 'mseal', 'munmap', 'process_madvise',
      'remap_file_pages', 'set_mempolicy', 'set_mempolicy_home_node', 'userfaultfd',
    ],
  },
  '@module': {
    description: 'Loading and unloading kernel modules.',
    members: ['create_module', 'delete_module', 'finit_module', 'get_kernel_syms', 'init_module', 'query_module'],
  },
  '@mount': {
    description: 'Mounting, unmounting and moving file systems, the new mount API, and pivot_root.',
    members: [
      'fsconfig', 'fsmount', 'fsopen', 'fspick', 'listmount', 'mount', 'mount_setattr', 'move_mount',
      'open_tree', 'open_tree_attr', 'pivot_root', 'statmount', 'umount', 'umount2',
    ],
  },
  '@network-io': {
    description: 'Sockets: creating, connecting, accepting, sending and receiving, options (and socketcall where an arch multiplexes them).',
    members: [
      'accept', 'accept4', 'bind', 'connect', 'getpeername', 'getsockname', 'getsockopt', 'listen',
      'recv', 'recvfrom', 'recvmmsg', 'recvmmsg_time64', 'recvmsg', 'send', 'sendmmsg', 'sendmsg',
      'sendto', 'setsockopt', 'shutdown', 'socket', 'socketcall', 'socketpair',
    ],
  },
  '@obsolete': {
    description: 'Calls the kernel no longer implements or that only old binaries use.',
    members: [
      '_sysctl', 'afs_syscall', 'bdflush', 'break', 'create_module', 'epoll_ctl_old', 'epoll_wait_old',
      'ftime', 'get_kernel_syms', 'getpmsg', 'gtty', 'idle', 'lock', 'lookup_dcookie', 'mpx',
      'nfsservctl', 'oldfstat', 'oldlstat', 'oldolduname', 'oldstat', 'olduname', 'prof', 'profil',
      'putpmsg', 'query_module', 'readdir', 'security', 'sgetmask', 'ssetmask', 'stty', 'sysfs',
      'tuxcall', 'ulimit', 'uselib', 'ustat', 'vserver',
    ],
  },
  '@pkey': {
    description: 'Memory protection keys.',
    members: ['pkey_alloc', 'pkey_free', 'pkey_mprotect'],
  },
  '@privileged': {
    description:
      'Calls that need a capability in nearly every use: the mount, module, reboot, swap, clock and raw I/O ' +
      'groups, and chroot, BPF, accounting, quotas, host names, the kernel log, file handles.',
    members: [
      '@clock', '@module', '@mount', '@raw-io', '@reboot', '@swap', 'acct', 'bpf', 'chroot',
      'nfsservctl', 'open_by_handle_at', 'quotactl', 'quotactl_fd', 'setdomainname', 'sethostname',
      'syslog', 'vhangup',
    ],
  },
  '@process': {
    description:
      'Creating, running and ending processes and threads: fork, clone, exec, wait, signalling other ' +
      'processes, pidfds, sessions and process groups, namespaces, prctl.',
    members: [
      'clone', 'clone3', 'execve', 'execveat', 'fork', 'getpgid', 'getsid', 'kill', 'listns',
      'personality', 'pidfd_open', 'pidfd_send_signal', 'prctl', 'process_mrelease', 'rt_sigqueueinfo',
      'rt_tgsigqueueinfo', 'setns', 'setpgid', 'setsid', 'tgkill', 'tkill', 'unshare', 'vfork', 'wait4',
      'waitid', 'waitpid',
    ],
  },
  '@raw-io': {
    description: 'Direct access to I/O ports, PCI configuration space and firmware.',
    members: [
      'ioperm', 'iopl', 'pciconfig_iobase', 'pciconfig_read', 'pciconfig_write', 'rtas',
      's390_pci_mmio_read', 's390_pci_mmio_write',
    ],
  },
  '@reboot': {
    description: 'Rebooting or halting the machine and loading a new kernel.',
    members: ['kexec_file_load', 'kexec_load', 'reboot'],
  },
  '@resources': {
    description: 'Changing resource limits, scheduling policy, priority, CPU affinity and I/O priority.',
    members: [
      'getpriority', 'ioprio_get', 'ioprio_set', 'nice', 'sched_get_priority_max',
      'sched_get_priority_min', 'sched_getattr', 'sched_getparam', 'sched_getscheduler',
      'sched_rr_get_interval', 'sched_rr_get_interval_time64', 'sched_setaffinity', 'sched_setattr',
      'sched_setparam', 'sched_setscheduler', 'setpriority', 'setrlimit',
    ],
  },
  '@sandbox': {
    description: 'A process confining itself: seccomp filters, Landlock rulesets and its own LSM attributes.',
    members: [
      'landlock_add_rule', 'landlock_create_ruleset', 'landlock_restrict_self', 'lsm_get_self_attr',
      'lsm_list_modules', 'lsm_set_self_attr', 'seccomp',
    ],
  },
  '@setuid': {
    description: 'Changing user, group and supplementary group ids.',
    members: [
      'setfsgid', 'setfsgid32', 'setfsuid', 'setfsuid32', 'setgid', 'setgid32', 'setgroups',
      'setgroups32', 'setregid', 'setregid32', 'setresgid', 'setresgid32', 'setresuid', 'setresuid32',
      'setreuid', 'setreuid32', 'setuid', 'setuid32',
    ],
  },
  '@signal': {
    description: "A process's own signal handling: handlers, masks, alternate stacks, waiting for signals and signalfd.",
    members: [
      'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigsuspend', 'rt_sigtimedwait',
      'rt_sigtimedwait_time64', 'sigaction', 'sigaltstack', 'signal', 'signalfd', 'signalfd4',
      'sigpending', 'sigprocmask', 'sigsuspend',
    ],
  },
  '@swap': {
    description: 'Turning swap areas on and off.',
    members: ['swapoff', 'swapon'],
  },
  '@sync': {
    description: 'Flushing file data and metadata to storage.',
    members: ['arm_sync_file_range', 'fdatasync', 'fsync', 'msync', 'sync', 'sync_file_range', 'sync_file_range2', 'syncfs'],
  },
  '@system-service': {
    description:
      'What a typical unprivileged service uses: the common groups nested, plus ioctl, capabilities, ' +
      'system information and usage accounting. Leaves out @privileged, @debug and the other risky groups.',
    members: [
      '@aio', '@basic-io', '@chown', '@default', '@file-system', '@io-event', '@ipc', '@keyring',
      '@memory', '@network-io', '@process', '@resources', '@setuid', '@signal', '@sync', '@timer',
      'capget', 'capset', 'getcpu', 'getrusage', 'ioctl', 'sysinfo', 'times', 'uname',
    ],
  },
  '@timer': {
    description: 'Interval timers, POSIX timers, timerfd and alarm.',
    members: [
      'alarm', 'getitimer', 'setitimer', 'timer_create', 'timer_delete', 'timer_getoverrun',
      'timer_gettime', 'timer_gettime64', 'timer_settime', 'timer_settime64', 'timerfd',
      'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
    ],
  },
} as const satisfies Readonly<Record<GroupRef, GroupDef>>;

export type SyscallGroupName = keyof typeof GROUPS;
