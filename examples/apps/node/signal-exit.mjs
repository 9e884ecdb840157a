// signal-exit's onExit on SIGTERM, then death by SIGTERM, after lockdown: lib/signal-exit-app.mjs.
import { runSignalExitApp } from '../lib/signal-exit-app.mjs';
import { probes, seccomp } from './probes.mjs';

await runSignalExitApp({ seccomp, probes });
