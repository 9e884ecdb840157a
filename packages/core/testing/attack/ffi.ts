/**
 * Child side: opens the compiled attack helper with the runtime's own FFI (Deno.dlopen,
 * bun:ffi, koffi) — the same path a handler compromised through an FFI library would take.
 * koffi is @seccomp/node's dependency, so it is required from that package's location.
 */
import { createRequire } from 'node:module';

export const HELPER_FUNCTIONS = [
  'attack_execve', 'attack_execveat', 'attack_fork', 'attack_clone_process', 'attack_clone3_process',
  'attack_vfork', 'attack_int80_getpid', 'attack_int80_execve', 'attack_x32_getpid',
] as const;
export type HelperFunction = (typeof HELPER_FUNCTIONS)[number];
/** Each returns the syscall's result, or -errno. */
export type Helper = Record<HelperFunction, () => number>;

type Fn = (...args: unknown[]) => unknown;

function bind(call: (name: HelperFunction) => Fn): Helper {
  const out = {} as Helper;
  for (const name of HELPER_FUNCTIONS) {
    const fn = call(name);
    out[name] = () => Number(fn());
  }
  return out;
}

export async function loadHelper(path: string, packageUrl: string): Promise<Helper> {
  const g = globalThis as { Deno?: { dlopen(p: string, s: Record<string, unknown>): { symbols: Record<string, Fn> } }; Bun?: unknown };
  if (g.Deno) {
    const decl = Object.fromEntries(HELPER_FUNCTIONS.map((n) => [n, { parameters: [], result: 'i64' }]));
    const lib = g.Deno.dlopen(path, decl);
    return bind((n) => lib.symbols[n]!);
  }
  if (g.Bun) {
    // A computed specifier keeps the Node-targeted bundle from resolving bun:ffi.
    const spec = 'bun:ffi';
    const ffi = (await import(spec)) as { dlopen(p: string, s: Record<string, unknown>): { symbols: Record<string, Fn> }; FFIType: Record<string, unknown> };
    const decl = Object.fromEntries(HELPER_FUNCTIONS.map((n) => [n, { args: [], returns: ffi.FFIType.i64 }]));
    const lib = ffi.dlopen(path, decl);
    return bind((n) => lib.symbols[n]!);
  }
  const koffi = createRequire(packageUrl)('koffi') as { load(p: string): { func(proto: string): Fn } };
  const lib = koffi.load(path);
  return bind((n) => lib.func(`int64_t ${n}(void)`));
}
