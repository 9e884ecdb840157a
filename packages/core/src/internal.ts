/**
 * @seccomp/core/internal — everything the runtime packages, the CLI, the test harness and the
 * benchmarks build on: the symbol table, the native wrapper, unbound forms that take a
 * `Native` first, BPF opcodes, byte layouts, lockdown's tables. Not part of the public API:
 * names here may change in any release. Users import `@seccomp/node`, `@seccomp/bun` or
 * `@seccomp/deno` (or `@seccomp/core` for the pure tools).
 */
export * from './arch.js';
export * from './errno.js';
export * from './errors.js';
export * from './actions.js';
export * from './compare.js';
export * from './abi.js';
export * from './symbols.js';
export * from './backend.js';
export * from './syscalls/index.js';
export * from './groups/index.js';
export * from './bpf/index.js';
export * from './profile/index.js';
export * from './library.js';
export * from './native.js';
export * from './filter.js';
export * from './build.js';
export * from './status.js';
export * from './loadbpf.js';
export * from './notify.js';
export * from './rawsyscall.js';
export * from './lockdown/index.js';
export * from './compiler.js';
export * from './api.js';
// The one "did you mean" (syscalls, groups, CLI flags and commands).
export * from './suggest.js';
