/**
 * The static import graph of an ES module file, as a runtime would load it: relative imports
 * followed, `@seccomp/core` and its subpaths resolved to core's own files (this file is built
 * into core's dist/testing), other bare specifiers (koffi, node:fs, bun:ffi) listed and left.
 * Type-only imports are skipped: they load nothing. Read with node:fs, which Node, Bun and
 * Deno all provide. For the lean entry's test: what it imports, and what it does not.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ModuleGraph {
  /** Every file reached (absolute path) and its size in bytes. */
  files: Map<string, number>;
  /** Every bare specifier met, sorted, once each (`@seccomp/core/…` included, though followed). */
  bare: string[];
  /** Bytes of the files reached that belong to @seccomp/core. */
  coreBytes: number;
}

const STATEMENT = /(?:^|[;\n])\s*(import|export)\s+(type\s+)?(?:[\w*{},\s$]*?\sfrom\s*)?['"]([^'"]+)['"]/g;

/** core's package root: this module runs from core/dist/testing/ (or core/testing/ under tsx). */
function coreRoot(): URL {
  const here = import.meta.url;
  return new URL(here.includes('/dist/testing/') ? '../../' : '../', here);
}

/** `@seccomp/core` → core's dist/index.js; `@seccomp/core/x` → its `exports['./x']` import file. */
function resolveCore(specifier: string): string | undefined {
  if (specifier !== '@seccomp/core' && !specifier.startsWith('@seccomp/core/')) return undefined;
  const root = coreRoot();
  type Target = string | { import?: string | { default?: string } };
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, Target> };
  const key = specifier === '@seccomp/core' ? '.' : `.${specifier.slice('@seccomp/core'.length)}`;
  const target = pkg.exports[key];
  // A plain path, { import: path } or { import: { types, default } } (conditions nested).
  const imported = typeof target === 'string' ? target : target?.import;
  const file = typeof imported === 'string' ? imported : imported?.default;
  if (!file) throw new Error(`@seccomp/core exports no ${key}`);
  return fileURLToPath(new URL(file, root));
}

export function moduleGraph(entryUrl: string): ModuleGraph {
  const files = new Map<string, number>();
  const bare = new Set<string>();
  const visit = (path: string): void => {
    if (files.has(path)) return;
    const bytes = readFileSync(path);
    const text = new TextDecoder().decode(bytes);
    files.set(path, bytes.length);
    for (const m of text.matchAll(STATEMENT)) {
      if (m[2]) continue;
      const specifier = m[3]!;
      if (specifier.startsWith('.')) visit(fileURLToPath(new URL(specifier, pathToFileURL(path))));
      else {
        bare.add(specifier);
        const core = resolveCore(specifier);
        if (core) visit(core);
      }
    }
  };
  visit(fileURLToPath(entryUrl));
  const core = fileURLToPath(coreRoot());
  const coreBytes = [...files].filter(([f]) => f.startsWith(core)).reduce((n, [, size]) => n + size, 0);
  return { files, bare: [...bare].sort(), coreBytes };
}
