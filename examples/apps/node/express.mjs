// Express 5 on node:http, with a static file read from disk per request: lib/express-app.mjs.
import { fileURLToPath } from 'node:url';
import express from 'express';
import { runExpressApp } from '../lib/express-app.mjs';
import { probes, seccomp } from './probes.mjs';

await runExpressApp({ seccomp, probes, express, staticDir: fileURLToPath(new URL('../fixtures/', import.meta.url)) });
