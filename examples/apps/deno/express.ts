// npm:express on Deno's node:http, resolved from this package's node_modules (the pinned
// version): lib/express-app.mjs.
import express from 'npm:express';
import { runExpressApp } from '../lib/express-app.mjs';
import { probes, seccomp } from './probes.ts';

await runExpressApp({ seccomp, probes, express });
