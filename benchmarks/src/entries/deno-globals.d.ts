// The Deno APIs the Deno entry uses, for tsc. Deno itself ignores this file.
declare namespace Deno {
  const args: string[];
  function exit(code: number): never;
  function readFileSync(path: string): Uint8Array;
  const stdout: { writeSync(bytes: Uint8Array): number };
  function dlopen<S extends Record<string, { parameters: readonly string[]; result: string }>>(
    path: string,
    symbols: S,
  ): { symbols: Record<keyof S, (...args: unknown[]) => unknown>; close(): void };
}
