/**
 * Renders core's canonical symbol table into koffi declarations. Pointers come back as
 * bigint (koffi 3) or null; byte buffers and NUL-terminated names go in as Uint8Array.
 */
import koffi from 'koffi';
import { cSymbol, SYMBOLS, SYMBOL_NAMES, type BoundSymbols, type ParamKind, type ResultKind } from '@seccomp/core';

const PARAM: Record<ParamKind, string> = {
  i32: 'int', u32: 'uint32_t', i64: 'int64_t', u64: 'uint64_t', usize: 'size_t',
  ptr: 'void *', buffer: 'void *', cstring: 'void *',
};
const RESULT: Record<ResultKind, string> = { void: 'void', i32: 'int', u32: 'uint32_t', i64: 'int64_t', ptr: 'void *' };

export type KoffiLib = ReturnType<typeof koffi.load>;

/** One prototype per symbol, e.g. `int seccomp_load(void *)` (named after the C function it binds). */
export function prototype(name: keyof typeof SYMBOLS): string {
  const spec = SYMBOLS[name];
  return `${RESULT[spec.result]} ${cSymbol(name)}(${spec.params.map((p) => PARAM[p]).join(', ')})`;
}

/**
 * Binds every symbol; a missing optional one is left undefined, a missing required one throws.
 * Without a libseccomp handle only the libc symbols are bound.
 */
export function bindSymbols(libs: { seccomp?: KoffiLib; c: KoffiLib }): BoundSymbols {
  const out: Record<string, unknown> = {};
  for (const name of SYMBOL_NAMES) {
    const spec = SYMBOLS[name];
    const lib = libs[spec.lib];
    if (!lib) continue;
    try {
      out[name] = lib.func(prototype(name));
    } catch (err) {
      if (!('optional' in spec)) throw err;
    }
  }
  return out as BoundSymbols;
}

export { koffi };
