/**
 * The SDK as the parent process (Node) sees it: @seccomp/node's bound API over core's
 * internal entry, the same shape the runtime entries hand their scenarios (kit.ts, Sdk).
 */
import * as internal from '@seccomp/core/internal';
import * as runtime from '@seccomp/node';
import { makeSdk, type Sdk } from './kit.js';

export const sdk: Sdk = makeSdk(runtime, internal);
