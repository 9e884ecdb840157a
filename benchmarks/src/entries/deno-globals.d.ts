// The Deno APIs the Deno entry and the cold-start child use, for tsc. Deno itself ignores this file.
declare namespace Deno {
  const args: string[];
  function exit(code: number): never;
  function readFileSync(path: string): Uint8Array;
  function readDirSync(path: string): Iterable<{ name: string }>;
  const stdout: { writeSync(bytes: Uint8Array): number };
  function dlopen<S extends Record<string, { parameters: readonly string[]; result: string }>>(
    path: string,
    symbols: S,
  ): { symbols: Record<keyof S, (...args: unknown[]) => unknown>; close(): void };
}
