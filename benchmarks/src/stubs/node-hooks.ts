/** Module hooks (run by node-register.js): @seccomp/node → node-stub.js, except for the stub itself. */
const STUB = new URL('./node-stub.js', import.meta.url).href;

type Next = (specifier: string, context: { parentURL?: string }) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: { parentURL?: string }, next: Next): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '@seccomp/node' && context.parentURL !== STUB) return { url: STUB, shortCircuit: true };
  return next(specifier, context);
}
