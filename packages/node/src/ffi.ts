/**
 * Renders core's canonical symbol table into koffi declarations. Pointers come back as
 * bigint (koffi 3) or null; byte buffers and NUL-terminated names go in as Uint8Array.
 */
import koffi from 'koffi';
import { bindOnce, cSymbol, SYMBOLS, type ParamKind, type ResultKind, type SymbolBinder } from '@seccomp/core/lockdown';

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
 * Binds the symbols of `lib` one at a time, each once (core's lazySymbols asks for them as
 * they are used). A missing optional symbol is undefined, a missing required one throws.
 */
export function binder(lib: KoffiLib): SymbolBinder {
  return bindOnce((name) => {
    try {
      return lib.func(prototype(name));
    } catch (err) {
      if (!('optional' in SYMBOLS[name])) throw err;
      return undefined;
    }
  });
}

export { koffi };
