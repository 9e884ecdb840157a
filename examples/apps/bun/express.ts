// Express 5 on Bun's node:http: lib/express-app.mjs.
import express from 'express';
import { runExpressApp } from '../lib/express-app.mjs';
import { probes, seccomp } from './probes.ts';

await runExpressApp({ seccomp, probes, express });
