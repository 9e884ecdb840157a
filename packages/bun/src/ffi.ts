/**
 * Renders core's canonical symbol table into bun:ffi declarations. Pointers come back as
 * numbers (or null); byte buffers and NUL-terminated names go in as Uint8Array through
 * FFIType.ptr, which bun:ffi converts to the view's address at call time. i64 results come
 * back as numbers (i64_fast: a bigint only beyond 2^53), so a failing call allocates nothing
 * before core reads errno.
 */
import { dlopen, FFIType, type FFIFunction, type Library } from 'bun:ffi';
import { cSymbol, SYMBOLS, SYMBOL_NAMES, type BoundSymbols, type ParamKind, type ResultKind, type SymbolName } from '@seccomp/core';

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
 * Opens `path` and binds `lib`'s symbols. bun:ffi's dlopen fails as a whole when any one
 * symbol is missing, so the required ones are opened together (a missing one is a real
 * error) and each optional one on its own: on libseccomp 2.5 the 2.6-only functions are
 * simply left out. dlopen keys are C names, so a second binding of one function
 * (syscall_long) is opened on its own under the C name and renamed.
 */
export function bindLibrary(path: string, lib: 'seccomp' | 'c'): Partial<BoundSymbols> {
  const { required, optional } = declarations(lib);
  const aliases = Object.keys(required).filter((name) => cSymbol(name as SymbolName) !== name);
  const direct = Object.fromEntries(Object.entries(required).filter(([name]) => !aliases.includes(name)));
  const main = dlopen(path, direct);
  handles.push(main);
  const symbols: Record<string, unknown> = { ...main.symbols };
  for (const name of aliases) {
    const c = cSymbol(name as SymbolName);
    const one = dlopen(path, { [c]: required[name]! });
    handles.push(one);
    symbols[name] = one.symbols[c];
  }
  for (const [name, decl] of Object.entries(optional)) {
    try {
      const one = dlopen(path, { [name]: decl });
      handles.push(one);
      symbols[name] = one.symbols[name];
    } catch {
      // Absent in this libseccomp: capabilities reports it, and calling it names the version it needs.
    }
  }
  return symbols as Partial<BoundSymbols>;
}
