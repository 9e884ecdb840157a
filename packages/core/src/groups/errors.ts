/** A `@group` no table defines; `suggestions` holds the closest group names. */
export class UnknownSyscallGroupError extends RangeError {
  override readonly name = 'UnknownSyscallGroupError';
  readonly group: string;
  readonly suggestions: readonly string[];
  constructor(group: string, suggestions: readonly string[]) {
    const hint = suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
    super(`Unknown syscall group "${group}".${hint}`);
    this.group = group;
    this.suggestions = suggestions;
  }
}

/** A group table whose nesting loops back on itself; `path` is the loop (`@a → @b → @a`). */
export class SyscallGroupCycleError extends Error {
  override readonly name = 'SyscallGroupCycleError';
  readonly path: readonly string[];
  constructor(path: readonly string[]) {
    super(`Syscall groups nest in a cycle: ${path.join(' → ')}.`);
    this.path = path;
  }
}
