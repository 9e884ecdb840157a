/**
 * `node --import <this> server.mjs`: runs a lockdown example server with lockdown() made a
 * no-op, for the end-to-end group's "without lockdown" side. Everything else the server does
 * is unchanged; the hook only swaps the @seccomp/node the example imports for node-stub.js.
 */
import { register } from 'node:module';

register('./node-hooks.js', import.meta.url);
