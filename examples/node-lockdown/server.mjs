// The locked-down Node server: node:http + the Lambda-style wrapper around handler.mjs.
// Run: node server.mjs            (builds the filters at start-up; no libseccomp needed)
//      LOCKDOWN_BPF=lockdown.bpf node server.mjs   (loads them precompiled: npm run build:bpf)
// It prints one JSON line when it is listening and locked down.
import { readFileSync } from 'node:fs';
import { handler } from './handler.mjs';
import { serveLambda } from './lambda.mjs';

const bpfPath = process.env.LOCKDOWN_BPF;
// Read before lockdown: with readOnlyFs, reading stays allowed, but there is no reason to wait.
// LOCKDOWN=off: the self-test's control, this same server unlocked, where every attack must work.
const options = process.env.LOCKDOWN === 'off' ? false : bpfPath ? { bpf: readFileSync(bpfPath) } : { readOnlyFs: true };
const { port, lockdown } = await serveLambda(handler, { port: Number(process.env.PORT ?? 0), lockdown: options });
console.log(JSON.stringify({ ready: true, runtime: 'node', pid: process.pid, port, lockdown }));
