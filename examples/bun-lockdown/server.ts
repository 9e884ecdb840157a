// A locked-down Bun.serve server. It starts, listens, calls lockdown() and prints one JSON
// line; from then on its handler cannot run programs, write new files or open raw sockets —
// and it keeps answering. The "exploit" actions make the handler try exactly that.
// Run: bun server.ts    (self-test: node selftest.mjs)
import { lockdown, rawSyscall, status } from '@seccomp/bun';

const AF_UNIX = 1;
const AF_INET = 2;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;

const json = (status: number, body: unknown) => Response.json(body, { status });

// Bun has no raw-socket API; FFI does (bun:ffi is one import away). rawSyscall stands in.
function openSocket(domain: number, type: number, protocol: number): void {
  const r = rawSyscall('socket', domain, type, protocol);
  if (r.ret < 0) throw Object.assign(new Error(`socket: errno ${r.errno}`), { code: r.errno === 1 ? 'EPERM' : `errno ${r.errno}` });
  rawSyscall('close', r.ret);
}

/** One attempt: 403 with the error when refused, 200 when it went through (a surprise). */
async function attempt(what: string, fn: () => unknown): Promise<Response> {
  try {
    await fn();
    return json(200, { attempt: what, blocked: false });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return json(403, { attempt: what, blocked: true, error: e.code ?? e.message });
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
      return json(200, { bytes: (await Bun.file(new URL('./package.json', import.meta.url)).text()).length });
    case 'exec':
      return attempt('Bun.spawnSync', () => Bun.spawnSync(['/bin/sh', '-c', String(input.command ?? 'id')]));
    case 'spawn':
      return attempt('Bun.spawn', () => Bun.spawn(['/bin/sh', '-c', 'id'], { stdout: 'ignore' }).exited);
    case 'write-file':
      // readOnlyFs: opening a new file for writing is refused, wherever it is.
      return attempt('Bun.write', () => Bun.write(`/tmp/pwned-${process.pid}`, 'pwned'));
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

const server = Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1', fetch: handle });
// LOCKDOWN=off: the self-test's control, this same server unlocked, where every attack must work.
const result = process.env.LOCKDOWN === 'off' ? null : lockdown({ readOnlyFs: true });
console.log(JSON.stringify({ ready: true, runtime: 'bun', pid: process.pid, port: server.port, lockdown: result }));
