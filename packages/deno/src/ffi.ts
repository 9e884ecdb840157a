/**
 * Renders core's canonical symbol table into Deno.dlopen declarations. Pointers are opaque
 * Deno.PointerObjects (null for NULL); byte buffers and NUL-terminated names both go in as
 * 'buffer' (Deno refuses JS strings there, so core hands over cached encoded names).
 */
import { SYMBOLS, SYMBOL_NAMES, type BoundSymbols, type ParamKind, type ResultKind, type SymbolName } from '@seccomp/core';
import type { DenoDynamicLibrary, DenoForeignFunction, DenoNativeType } from './deno-api.ts';

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
  const ints = params.flatMap((p, i) => (p === 'i32' || p === 'u32' ? [i] : []));
  if (ints.length === 0) return fn;
  return (...args: unknown[]) => {
    for (const i of ints) if (args[i] === 0) args[i] = 0;
    return fn(...args);
  };
}

/**
 * Binds every symbol of the opened libraries: a missing optional one is left out (core
 * reports it in `capabilities`), a missing required one has already failed dlopen.
 * Without a libseccomp handle only the libc symbols are bound.
 */
export function bindSymbols(libs: { seccomp?: DenoDynamicLibrary; c: DenoDynamicLibrary }): BoundSymbols {
  const out: Record<string, unknown> = {};
  for (const name of SYMBOL_NAMES) {
    const lib = libs[SYMBOLS[name].lib];
    const fn = lib?.symbols[name];
    if (typeof fn === 'function') out[name] = normaliseNegativeZero(fn, declaration(name).parameters);
  }
  return out as BoundSymbols;
}
