// A Lambda-style handler: handler(event) → { statusCode, body }. It trusts its event the way an
// injectable handler would, so the "exploit" events make it try what an attacker who took
// over the handler would try. Under lockdown each attempt fails with EPERM and the process
// lives on to answer the next event.
import { execSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { rawSyscall } from '@seccomp/node';

const AF_UNIX = 1;
const AF_INET = 2;
const SOCK_RAW = 3;
const IPPROTO_ICMP = 1;

const reply = (statusCode, body) => ({ statusCode, body: JSON.stringify(body) });

// Node has no raw-socket API; a native addon or FFI does. rawSyscall stands in for one.
function openSocket(domain, type, protocol) {
  const r = rawSyscall('socket', domain, type, protocol);
  if (r.ret < 0) throw Object.assign(new Error(`socket failed: errno ${r.errno}`), { code: r.errno === 1 ? 'EPERM' : `errno ${r.errno}` });
  rawSyscall('close', r.ret);
}

/** Runs one attempt; a refusal is a 403 naming the error, success a 200 (the self-test calls that a surprise). */
async function attempt(what, fn) {
  try {
    await fn();
    return reply(200, { attempt: what, blocked: false });
  } catch (err) {
    return reply(403, { attempt: what, blocked: true, error: err.code ?? err.message });
  }
}

export async function handler(event) {
  const input = event.httpMethod === 'POST' ? JSON.parse(event.body || '{}') : (event.queryStringParameters ?? {});
  switch (input.action) {
    case 'hello':
      return reply(200, { message: `hello ${input.name ?? 'world'}` });
    case 'sum':
      return reply(200, { sum: input.values.reduce((a, b) => a + b, 0) });
    case 'read':
      return reply(200, { bytes: readFileSync(new URL('./package.json', import.meta.url)).length });
    case 'exec':
      return attempt('child_process.execSync', () => execSync(input.command ?? 'id', { stdio: 'pipe' }));
    case 'spawn':
      return attempt('child_process.spawn', () =>
        new Promise((resolve, reject) => {
          const child = spawn('/bin/sh', ['-c', 'id'], { stdio: 'ignore' });
          child.on('error', reject);
          child.on('close', resolve);
        }),
      );
    case 'write-file':
      // readOnlyFs: opening a new file for writing is refused, wherever it is.
      return attempt('fs.writeFileSync', () => writeFileSync(`/tmp/pwned-${process.pid}`, 'pwned'));
    case 'raw-socket':
      return attempt('socket(AF_INET, SOCK_RAW)', () => openSocket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
    case 'unix-raw-socket':
      // A socket form lockdown refuses that the kernel lets any user open (as a datagram
      // socket): unlike the raw socket, its refusal shows without CAP_NET_RAW too.
      return attempt('socket(AF_UNIX, SOCK_RAW)', () => openSocket(AF_UNIX, SOCK_RAW, 0));
    default:
      return reply(404, { error: `unknown action ${input.action}` });
  }
}
