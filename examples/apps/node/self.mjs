// Calls a process makes on itself (signals, priority, affinity, limits), allowed after
// lockdown, and the same calls on another process, refused: lib/self-app.mjs.
import { runSelfApp } from '../lib/self-app.mjs';
import { probes, seccomp } from './probes.mjs';

await runSelfApp({ seccomp, probes });
