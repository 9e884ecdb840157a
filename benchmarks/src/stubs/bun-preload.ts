/**
 * `bun --preload <this> server.ts`: runs the Bun lockdown example with lockdown() made a no-op
 * (the "without lockdown" side of the end-to-end group): @seccomp/bun becomes a module with
 * the real exports and a lockdown() that does nothing.
 */
import { plugin } from 'bun';
import * as real from '@seccomp/bun';

plugin({
  name: 'benchmark: no lockdown',
  setup(build) {
    build.module('@seccomp/bun', () => ({ loader: 'object', exports: { ...real, lockdown: () => ({ skipped: true }) } }));
  },
});
