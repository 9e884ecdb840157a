/**
 * Renders core's canonical symbol table into Deno.dlopen declarations. Pointers are opaque
 * Deno.PointerObjects (null for NULL); byte buffers and NUL-terminated names both go in as
 * 'buffer' (Deno refuses JS strings there, so core hands over cached encoded names).
 */
import { bindOnce, cSymbol, SYMBOLS, SYMBOL_NAMES, type ParamKind, type ResultKind, type SymbolBinder, type SymbolName } from '@seccomp/core/lockdown';
import type { DenoApi, DenoDynamicLibrary, DenoForeignFunction, DenoNativeType } from './deno-api.ts';

const PARAM: Record<ParamKind, DenoNativeType> = {
  i32: 'i32', u32: 'u32', i64: 'i64', u64: 'u64', usize: 'usize',
  ptr: 'pointer', buffer: 'buffer', cstring: 'buffer',
};
const RESULT: Record<ResultKind, DenoNativeType> = { void: 'void', i32: 'i32', u32: 'u32', i64: 'i64', ptr: 'pointer' };

/** The dlopen declaration of one symbol, e.g. seccomp_load → { parameters: ['pointer'], result: 'i32' }. */
export function declaration(name: SymbolName): DenoForeignFunction {
  const spec = SYMBOLS[name];
  const decl: DenoForeignFunction = { parameters: spec.params.map((p) => PARAM[p]), result: RESULT[spec.result] };
  // Optional symbols (libseccomp 2.6) bind as null on older libraries instead of failing dlopen.
  if ('optional' in spec) decl.optional = true;
  // A second binding of one C function (syscall_long) names the function it binds.
  if (cSymbol(name) !== name) decl.name = cSymbol(name);
  return decl;
}

/** The declarations for one library: what Deno.dlopen takes as its second argument. */
export function declarations(lib: 'seccomp' | 'c'): Record<string, DenoForeignFunction> {
  const out: Record<string, DenoForeignFunction> = {};
  for (const name of SYMBOL_NAMES) if (SYMBOLS[name].lib === lib) out[name] = declaration(name);
  return out;
}

type Fn = (...args: unknown[]) => unknown;

/**
 * Deno rejects -0 for i32/u32 parameters ("expected integer") although C has no negative
 * zero, and -0 is easy to produce in JS (`-x`, `Math.round(-0.2)`). Only -0 is mapped:
 * every other value keeps Deno's range and integer checks. Symbols without 32-bit integer
 * parameters are bound as they are, with no wrapper in the way.
 */
export function normaliseNegativeZero(fn: Fn, params: readonly DenoNativeType[]): Fn {
  if (!params.some((p) => p === 'i32' || p === 'u32')) return fn;
  // One fixed-arity wrapper per parameter count: a rest parameter and a loop per call cost
  // ~150 ns on a 30 ns call, while this shape inlines. `x === 0 ? 0 : x` maps only -0 (=== 0)
  // to 0; other parameters pass through untouched.
  const z = (x: unknown): unknown => (x === 0 ? 0 : x);
  const id = (x: unknown): unknown => x;
  const [m0 = id, m1 = id, m2 = id, m3 = id, m4 = id, m5 = id] = params.map((p) => (p === 'i32' || p === 'u32' ? z : id));
  switch (params.length) {
    case 1: return (a) => fn(m0(a));
    case 2: return (a, b) => fn(m0(a), m1(b));
    case 3: return (a, b, c) => fn(m0(a), m1(b), m2(c));
    case 4: return (a, b, c, d) => fn(m0(a), m1(b), m2(c), m3(d));
    case 5: return (a, b, c, d, e) => fn(m0(a), m1(b), m2(c), m3(d), m4(e));
    case 6: return (a, b, c, d, e, f) => fn(m0(a), m1(b), m2(c), m3(d), m4(e), m5(f));
    default: return (...args: unknown[]) => fn(...args.map((x, i) => (params[i] === 'i32' || params[i] === 'u32' ? z(x) : x)));
  }
}

/** Every library handle opened, so none is collected (and closed) under its functions. */
const handles: DenoDynamicLibrary[] = [];

/**
 * Binds the symbols of the library at `path` one at a time, each once (core's lazySymbols
 * asks for them as they are used): Deno compiles a call stub per declared symbol when the
 * library is opened, so a dlopen per symbol costs only what is used. A missing optional
 * symbol is undefined, a missing required one has dlopen throw.
 */
export function binder(d: DenoApi, path: string): SymbolBinder {
  return bindOnce((name) => {
    const decl = declaration(name);
    const lib = d.dlopen(path, { [name]: decl });
    handles.push(lib);
    const fn = lib.symbols[name];
    return typeof fn === 'function' ? normaliseNegativeZero(fn, decl.parameters) : undefined;
  });
}
