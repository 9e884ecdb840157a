// The dlopen declarations are core's symbol table, rendered: the same set of functions the
// Node and Bun backends bind, with each parameter kind mapped to its Deno type.
import assert from 'node:assert/strict';
import { OPTIONAL_SYMBOLS, SYMBOLS, SYMBOL_NAMES, type SymbolName } from '@seccomp/core/internal';
import { declaration, declarations } from '../src/ffi.ts';
import { denoBackend } from '../src/backend.ts';

const seccomp = declarations('seccomp');
const libc = declarations('c');

Deno.test('the declarations cover exactly SYMBOL_NAMES, each in its own library', () => {
  assert.deepEqual([...Object.keys(seccomp), ...Object.keys(libc)].sort(), [...SYMBOL_NAMES].sort());
  for (const name of Object.keys(seccomp)) assert.equal(SYMBOLS[name as SymbolName].lib, 'seccomp', name);
  for (const name of Object.keys(libc)) assert.equal(SYMBOLS[name as SymbolName].lib, 'c', name);
});

Deno.test('each declaration has the table’s arity and Deno’s type for each kind', () => {
  const param = { i32: 'i32', u32: 'u32', i64: 'i64', u64: 'u64', usize: 'usize', ptr: 'pointer', buffer: 'buffer', cstring: 'buffer' };
  const result = { void: 'void', i32: 'i32', u32: 'u32', i64: 'i64', ptr: 'pointer' };
  for (const name of SYMBOL_NAMES) {
    const spec = SYMBOLS[name];
    const decl = declaration(name);
    assert.deepEqual(decl.parameters, spec.params.map((p) => param[p]), name);
    assert.equal(decl.result, result[spec.result], name);
  }
});

Deno.test('exactly the optional (libseccomp 2.6) symbols are declared optional', () => {
  const optional = SYMBOL_NAMES.filter((n) => declaration(n).optional === true);
  assert.deepEqual(optional, OPTIONAL_SYMBOLS);
  assert.ok(optional.length > 0);
});

Deno.test('the real libraries bind every required symbol', () => {
  const lib = denoBackend.open();
  for (const name of SYMBOL_NAMES) {
    const bound = typeof lib.symbols[name] === 'function';
    if (!OPTIONAL_SYMBOLS.includes(name)) assert.ok(bound, name);
  }
  const libcOnly = denoBackend.open({ seccomp: false });
  assert.deepEqual(Object.keys(libcOnly.symbols).sort(), Object.keys(libc).sort(), 'libc only, without libseccomp');
});
