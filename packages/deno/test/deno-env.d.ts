// The Deno APIs the tests use, for tsc (`pnpm typecheck`). Deno itself never reads this file:
// the tests run with `deno test --no-check`, and nothing imports it.
declare namespace Deno {
  const args: string[];
  const pid: number;
  function execPath(): string;
  function test(name: string, fn: () => void | Promise<void>): void;
  function test(options: { name: string; ignore?: boolean; fn: () => void | Promise<void> }): void;
  function readTextFileSync(path: string | URL): string;
  function readDirSync(path: string | URL): Iterable<{ name: string }>;
  function readLinkSync(path: string | URL): string;
  function statSync(path: string | URL): { isFile: boolean };
  function dlopen(path: string, symbols: Record<string, unknown>): { symbols: Record<string, unknown>; close(): void };
  class Command {
    constructor(command: string, options: { args: string[]; stdin?: 'null'; stdout?: 'piped' | 'null'; stderr?: 'piped' });
    output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }>;
    outputSync(): { code: number; stdout: Uint8Array; stderr: Uint8Array };
  }
}
