// All three backends bind the same table: bun's declarations are rendered from core's
// SYMBOLS and must cover exactly SYMBOL_NAMES, each with the right arity.
import { expect, test } from 'bun:test';
import { FFIType } from 'bun:ffi';
import { SYMBOLS, SYMBOL_NAMES, OPTIONAL_SYMBOLS, type SymbolName } from '@seccomp/core/internal';
import { declarations } from '../src/ffi.js';
import { bunBackend } from '../src/backend.js';

const seccomp = declarations('seccomp');
const libc = declarations('c');
const rendered = { ...seccomp.required, ...seccomp.optional, ...libc.required, ...libc.optional };

test('the rendered declarations cover exactly core’s SYMBOL_NAMES', () => {
  expect(Object.keys(rendered).sort()).toEqual([...SYMBOL_NAMES].sort());
  // No name is declared twice (once per library, once per required/optional split).
  const counts = [seccomp.required, seccomp.optional, libc.required, libc.optional].reduce((n, d) => n + Object.keys(d).length, 0);
  expect(counts).toBe(SYMBOL_NAMES.length);
  expect(Object.keys({ ...seccomp.optional, ...libc.optional }).sort()).toEqual([...OPTIONAL_SYMBOLS].sort());
});

test('each declaration has the table’s arity, and pointers of every kind are FFIType.ptr', () => {
  for (const name of SYMBOL_NAMES) {
    const spec = SYMBOLS[name as SymbolName];
    const decl = rendered[name]!;
    expect(decl.args?.length ?? 0).toBe(spec.params.length);
    spec.params.forEach((kind, i) => {
      if (kind === 'ptr' || kind === 'buffer' || kind === 'cstring') expect(decl.args![i]).toBe(FFIType.ptr);
    });
  }
});

test('every symbol the loaded libraries have is bound, and nothing else', () => {
  const bound = Object.keys(bunBackend.open().symbols);
  const missing = SYMBOL_NAMES.filter((n) => !bound.includes(n));
  expect(bound.filter((n) => !SYMBOL_NAMES.includes(n as SymbolName))).toEqual([]);
  // Only 2.6-only functions may be absent (libseccomp 2.5 lacks them).
  for (const name of missing) expect(OPTIONAL_SYMBOLS).toContain(name);
});
