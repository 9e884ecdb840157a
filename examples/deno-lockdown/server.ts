// A locked-down Deno.serve server. It starts, listens, calls lockdown() and prints one JSON
// line; from then on its handler cannot run programs, write new files or open raw sockets —
// and it keeps answering. The "exploit" actions make the handler try exactly that.
// Run: deno run --allow-all server.ts    (self-test: node selftest.mjs)
// lockdown() itself needs only --allow-ffi (and --allow-env=SECCOMP_LIBRARY_PATH). The demo
// grants everything so that each attack gets past Deno's permissions to the kernel: every
// refusal it prints is seccomp's. A real service adds lockdown() to narrow permissions.
import { lockdown, rawSyscall, status } from '@seccomp/deno';

const AF_UNIX = 1;
const AF_INET = 2;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;

const json = (status: number, body: unknown) => Response.json(body, { status });

// Deno has no raw-socket API; FFI does (--allow-ffi). rawSyscall stands in for it.
function openSocket(domain: number, type: number, protocol: number): void {
  const r = rawSyscall('socket', domain, type, protocol);
  if (r.ret < 0) throw Object.assign(new Error(`socket: errno ${r.errno}`), { code: r.errno === 1 ? 'EPERM' : `errno ${r.errno}` });
  rawSyscall('close', r.ret);
}

/** Deno reports a refused syscall as PermissionDenied "(os error 1)": EPERM. */
function errorCode(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code) return e.code;
  return /\(os error 1\)/.test(e.message ?? '') ? 'EPERM' : String(e.message);
}

async function attempt(what: string, fn: () => unknown): Promise<Response> {
  try {
    await fn();
    return json(200, { attempt: what, blocked: false });
  } catch (err) {
    return json(403, { attempt: what, blocked: true, error: errorCode(err) });
  }
}

async function handle(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (url.pathname === '/health') return json(200, { locked: status().allFiltered });
  const input = req.method === 'POST' ? await req.json() : Object.fromEntries(url.searchParams);
  switch (input.action) {
    case 'hello':
      return json(200, { message: `hello ${input.name ?? 'world'}` });
    case 'sum':
      return json(200, { sum: (input.values as number[]).reduce((a, b) => a + b, 0) });
    case 'read':
      return json(200, { bytes: (await Deno.readTextFile(new URL('./package.json', import.meta.url))).length });
    case 'exec':
      return attempt('Deno.Command.outputSync', () => new Deno.Command('/bin/sh', { args: ['-c', String(input.command ?? 'id')] }).outputSync());
    case 'spawn':
      return attempt('Deno.Command.spawn', () => new Deno.Command('/bin/sh', { args: ['-c', 'id'], stdout: 'null' }).spawn().status);
    case 'write-file':
      // readOnlyFs: opening a new file for writing is refused, wherever it is.
      return attempt('Deno.writeTextFile', () => Deno.writeTextFile(`/tmp/pwned-${Deno.pid}`, 'pwned'));
    case 'raw-socket':
      return attempt('socket(AF_INET, SOCK_RAW)', () => openSocket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    case 'unix-raw-socket':
      // A socket form lockdown refuses that the kernel lets any user open (as a datagram
      // socket): unlike the raw socket, its refusal shows without CAP_NET_RAW too.
      return attempt('socket(AF_UNIX, SOCK_RAW)', () => openSocket(AF_UNIX, SOCK_RAW, 0));
    default:
      return json(404, { error: `unknown action ${input.action}` });
  }
}

const server = Deno.serve({ port: Number(Deno.env.get('PORT') ?? 0), hostname: '127.0.0.1', onListen() {} }, handle);
// LOCKDOWN=off: the self-test's control, this same server unlocked, where every attack must work.
const result = Deno.env.get('LOCKDOWN') === 'off' ? null : lockdown({ readOnlyFs: true });
console.log(JSON.stringify({ ready: true, runtime: 'deno', pid: Deno.pid, port: server.addr.port, lockdown: result }));
