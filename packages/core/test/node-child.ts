// The Node child the kernel tests run their scenarios in: the shared child script from source
// (tsx), with the built @seccomp/node for the calls themselves.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildCommand } from '../testing/harness.js';

export const NODE_PACKAGE = new URL('../../node/dist/index.js', import.meta.url);

export function nodeChildCommand(): ChildCommand {
  if (!existsSync(NODE_PACKAGE)) throw new Error(`${fileURLToPath(NODE_PACKAGE)} is missing: run pnpm build first`);
  return {
    argv: [process.execPath, '--import', import.meta.resolve('tsx')],
    entry: fileURLToPath(new URL('../testing/child.ts', import.meta.url)),
    packageUrl: NODE_PACKAGE.href,
  };
}
