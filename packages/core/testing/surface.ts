/**
 * The runtime packages' public surface, one expectation for all three: @seccomp/core's
 * public exports, the bound API (each the same function as on `seccomp`), `seccomp` itself and
 * the default export. @seccomp/node, @seccomp/bun and @seccomp/deno each check their own
 * module against it, so the three export exactly the same names.
 */

/** The API bound to libseccomp and the kernel (Seccomp's members), in docs/api.md's order. */
export const BOUND_EXPORTS = [
  'SyscallFilter', 'compile', 'loadProfile', 'loadBpf', 'strictMode', 'strictModeFilter', 'status', 'notifySupervisor',
  'takeFd', 'rawSyscall', 'lockdown', 'compileLockdown', 'libraryVersion', 'apiLevel', 'setApiLevel', 'capabilities',
  'syscallResolveName', 'syscallResolveNum',
] as const;

/** What a runtime package's module must export, given @seccomp/core's public module. */
export function expectedRuntimeExports(core: object): string[] {
  return [...new Set([...Object.keys(core), ...BOUND_EXPORTS, 'seccomp', 'default'])].sort();
}

/** Everything wrong with a runtime package's module: missing or extra names, unbound members. */
export function runtimeSurfaceProblems(mod: Record<string, unknown>, core: object): string[] {
  const have = Object.keys(mod).sort();
  const want = expectedRuntimeExports(core);
  const problems = [
    ...want.filter((n) => !have.includes(n)).map((n) => `missing: ${n}`),
    ...have.filter((n) => !want.includes(n)).map((n) => `not in the public list: ${n}`),
  ];
  const seccomp = mod.seccomp as Record<string, unknown> | undefined;
  if (!seccomp || mod.default !== seccomp) problems.push('the default export is not `seccomp`');
  for (const name of BOUND_EXPORTS) {
    if (typeof mod[name] !== 'function') problems.push(`${name} is not a function`);
    else if (seccomp && mod[name] !== seccomp[name]) problems.push(`${name} is not seccomp.${name}`);
  }
  if (seccomp) {
    const members = Object.keys(seccomp).sort();
    const bound = [...BOUND_EXPORTS].sort();
    if (members.join() !== bound.join()) problems.push(`seccomp has [${members.join(', ')}], expected [${bound.join(', ')}]`);
  }
  return problems;
}
