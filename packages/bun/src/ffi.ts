/**
 * Renders core's canonical symbol table into bun:ffi declarations. Pointers come back as
 * numbers (or null); byte buffers and NUL-terminated names go in as Uint8Array through
 * FFIType.ptr, which bun:ffi converts to the view's address at call time. i64 results come
 * back as numbers (i64_fast: a bigint only beyond 2^53), so a failing call allocates nothing
 * before core reads errno.
 */
import { dlopen, FFIType, type FFIFunction, type Library } from 'bun:ffi';
import { bindOnce, cSymbol, SYMBOLS, SYMBOL_NAMES, type ParamKind, type ResultKind, type SymbolBinder, type SymbolName } from '@seccomp/core/lockdown';

const PARAM: Record<ParamKind, FFIType> = {
  i32: FFIType.i32, u32: FFIType.u32, i64: FFIType.i64, u64: FFIType.u64, usize: FFIType.u64,
  // Not FFIType.cstring: core hands over pre-encoded bytes, and a plain pointer skips the
  // engine's string transcoding path.
  ptr: FFIType.ptr, buffer: FFIType.ptr, cstring: FFIType.ptr,
};
const RESULT: Record<ResultKind, FFIType> = {
  void: FFIType.void, i32: FFIType.i32, u32: FFIType.u32, i64: FFIType.i64_fast, ptr: FFIType.ptr,
};

/** One bun:ffi declaration, e.g. seccomp_load → { args: [ptr], returns: i32 }. */
export function declaration(name: SymbolName): FFIFunction {
  const spec = SYMBOLS[name];
  return { args: spec.params.map((p) => PARAM[p]), returns: RESULT[spec.result] };
}

/** The declarations of one library's symbols, split into the ones it must have and the 2.6-only ones. */
export function declarations(lib: 'seccomp' | 'c'): { required: Record<string, FFIFunction>; optional: Record<string, FFIFunction> } {
  const required: Record<string, FFIFunction> = {};
  const optional: Record<string, FFIFunction> = {};
  for (const name of SYMBOL_NAMES) {
    const spec = SYMBOLS[name];
    if (spec.lib !== lib) continue;
    ('optional' in spec ? optional : required)[name] = declaration(name);
  }
  return { required, optional };
}

/** Every handle ever opened: a Library that the GC collected must not take its functions with it. */
const handles: Library<Record<string, FFIFunction>>[] = [];

/**
 * Binds the symbols of the library at `path` one at a time, each once (core's lazySymbols
 * asks for them as they are used): one dlopen per symbol, since bun:ffi's dlopen fails as a
 * whole when any symbol it is given is missing. dlopen keys are C names, so a second binding
 * of one function (syscall_long) is opened under the C name and renamed. A missing optional
 * symbol is undefined (libseccomp 2.5 lacks the 2.6-only ones), a missing required one throws.
 */
export function binder(path: string): SymbolBinder {
  return bindOnce((name) => {
    const c = cSymbol(name);
    try {
      const one = dlopen(path, { [c]: declaration(name) });
      handles.push(one);
      return one.symbols[c];
    } catch (err) {
      if (!('optional' in SYMBOLS[name])) throw err;
      return undefined;
    }
  });
}
