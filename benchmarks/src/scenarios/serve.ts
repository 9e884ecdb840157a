/**
 * End-to-end group, child side: the stand-in when issue 5's lockdown example servers are
 * missing. A minimal node:http server (Node, Bun and Deno all provide node:http): it starts
 * listening, then — like a server that locks itself down after start-up — optionally calls
 * lockdown() (the runtime's preset) or loads a profile, and reports its port. It serves until
 * the runner kills it.
 */
import { createServer } from 'node:http';
import { reportLine } from '@seccomp/core/testing/reports';
import type { Kit } from '../kit.js';
import { buildProfile, type ProfileName } from './profiles.js';

const BODY = 'hello world\n';

export function serveScenario(kit: Kit, params: { variant?: 'lockdown' | ProfileName }): Promise<never> {
  const { seccomp } = kit.sdk;
  const { variant } = params;
  const profile = variant && variant !== 'lockdown' ? buildProfile(kit.sdk, variant) : undefined;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(BODY.length) });
    res.end(BODY);
  });
  return new Promise((_resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      try {
        if (variant === 'lockdown') seccomp.lockdown();
        else if (profile) seccomp.loadProfile(profile, { via: 'libseccomp' });
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const threads = seccomp.status().threads;
        kit.print(reportLine({ port, filtered: threads.every((t) => t.seccomp === 2) }));
      } catch (err) {
        reject(err);
      }
    });
  });
}
