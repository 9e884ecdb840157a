/**
 * Property test: whatever the input, the profile readers answer with a result or a
 * ProfileError, never another exception and never a hang. 3000 inputs from a seeded
 * generator (no dependency): random JSON-ish values, mutated copies of Docker's profile
 * and of SDK profiles, deep nesting, huge numbers and strings, own `__proto__` keys.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Action } from '../src/actions.js';
import { arg, arg32 } from '../src/compare.js';
import { ProfileError } from '../src/errors.js';
import { fromOci, profileFromJSON, profileToJSON, resolveOci, toOci, validateProfile } from '../src/profile/index.js';

const docker: unknown = JSON.parse(readFileSync(new URL('../data/docker-default.json', import.meta.url), 'utf8'));

type Rng = () => number;

/** xorshift32: small, seeded, reproducible. */
function rng(seed: number): Rng {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;

const KEYS = [
  'defaultAction', 'defaultErrnoRet', 'architectures', 'archMap', 'flags', 'listenerPath', 'listenerMetadata', 'syscalls',
  'names', 'name', 'action', 'errnoRet', 'args', 'index', 'value', 'valueTwo', 'op', 'comment', 'includes', 'excludes',
  'arches', 'caps', 'minKernel', 'architecture', 'subArchitectures', 'rules', 'conditions', 'arg', 'mask', 'width', 'kind',
  'errno', 'msg', 'attributes', 'priority', 'exact', 'optimize', 'badArchAction',
  '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'length', '',
];
const STRINGS = [
  'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_TRACE', 'SCMP_ACT_NOTIFY', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64',
  'SCMP_CMP_EQ', 'SCMP_CMP_MASKED_EQ', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 'read', 'openat',
  'clone', 'socket', 'opnat', 'amd64', 'arm64', 'x86_64', 'aarch64', 'CAP_SYS_ADMIN', 'SYS_ADMIN', '4.8', '99999999999.1',
  '0x10', '0xffffffffffffffff', '0x10000000000000000', '18446744073709551616', '', ' ', '__proto__', 'constructor',
  'allow', 'errno(EPERM)', 'errno(99999)', 'trace(', 'eq', 'maskedEq', '💥\u0000\ud800', 'a'.repeat(5000), '9'.repeat(400),
];
const NUMBERS = [
  0, 1, -1, 5, 6, 7, 32, 64, 255, 256, 65535, 65536, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 64,
  1e308, -1e308, -0, 0.5, Number.EPSILON, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER,
];

function scalar(r: Rng): unknown {
  const n = r();
  if (n < 0.1) return null;
  if (n < 0.2) return r() < 0.5;
  if (n < 0.45) return r() < 0.5 ? pick(r, NUMBERS) : Math.floor((r() - 0.5) * 2 ** (r() * 70));
  if (n < 0.8) return r() < 0.7 ? pick(r, STRINGS) : String.fromCharCode(...Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * 0x3000)));
  if (n < 0.9) return BigInt(Math.floor(r() * 1e6)) * (r() < 0.5 ? 1n : 1n << 70n) * (r() < 0.2 ? -1n : 1n);
  return undefined;
}

/** Sets an own property, as JSON.parse does, so a `__proto__` key is data and not the prototype. */
function put(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomValue(r: Rng, depth: number): unknown {
  const n = r();
  if (depth <= 0 || n < 0.4) return scalar(r);
  if (n < 0.65) return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth - 1));
  const obj: Record<string, unknown> = {};
  const keys = Math.floor(r() * 6);
  for (let i = 0; i < keys; i++) put(obj, r() < 0.9 ? pick(r, KEYS) : String(scalar(r)), randomValue(r, depth - 1));
  return obj;
}

/** JSON text for a random value (bigint written as a string, undefined as null). */
function toJSON(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)) ?? 'null';
}

function deep(r: Rng): unknown {
  let v: unknown = scalar(r);
  const levels = 2000 + Math.floor(r() * 20000);
  for (let i = 0; i < levels; i++) v = r() < 0.5 ? [v] : { syscalls: v };
  return v;
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === 'object' && v !== null;

/** A random container inside `root` (walking down from it) and one of its keys. */
function randomSpot(r: Rng, root: Container): [Container, string | number] {
  let here: Container = root;
  for (;;) {
    const keys: (string | number)[] = Array.isArray(here) ? here.map((_, i) => i) : Object.keys(here);
    if (!keys.length) return [here, Array.isArray(here) ? 0 : pick(r, KEYS)];
    const key = pick(r, keys);
    const next = (here as Record<string | number, unknown>)[key];
    if (!isContainer(next) || r() < 0.3) return [here, key];
    here = next;
  }
}

function mutate(r: Rng, original: unknown): unknown {
  const copy = structuredClone(original) as Container;
  const times = 1 + Math.floor(r() * 4);
  for (let i = 0; i < times; i++) {
    const [at, key] = randomSpot(r, copy);
    const slot = at as Record<string | number, unknown>;
    const n = r();
    if (n < 0.35) slot[key] = r() < 0.3 ? deep(r) : randomValue(r, 3);
    else if (n < 0.5) {
      if (Array.isArray(at)) at.splice(Number(key), 1);
      else delete slot[key];
    } else if (n < 0.65 && !Array.isArray(at)) put(at, pick(r, KEYS), randomValue(r, 2));
    else if (n < 0.75 && Array.isArray(at)) at.push(structuredClone(at[Number(key)]));
    else if (n < 0.85) slot[key] = typeof slot[key] === 'number' ? String(slot[key]) : typeof slot[key] === 'string' ? Number(slot[key]) : null;
    else slot[key] = pick(r, NUMBERS);
  }
  return copy;
}

const sdkProfile = validateProfile({
  defaultAction: Action.errno('EPERM'),
  arches: ['x86_64', 'x86'],
  rules: [
    { syscalls: ['read', 'write'], action: Action.allow, priority: 4 },
    { syscalls: ['openat'], action: Action.trace(2), conditions: [arg32(0).eq(-100), arg(2).maskedEq(3, 1)], comment: 'x' },
    { syscalls: ['mmap', 9], action: Action.killProcess, exact: true },
  ],
  attributes: { log: true, optimize: 2, badArchAction: Action.trap },
});
const sdkJSON = profileToJSON(sdkProfile);

/** Whether a value survives JSON unchanged, so the OCI round trip must be exact. */
function jsonClean(v: unknown, depth = 0): boolean {
  if (depth > 50) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return v.every((x) => jsonClean(x, depth + 1));
  if (typeof v === 'object') return Object.values(v).every((x) => jsonClean(x, depth + 1));
  return false;
}

/** Runs `read`; returns its result or undefined for a ProfileError; anything else fails the test. */
function attempt<T>(what: string, seed: number, read: () => T): T | undefined {
  const start = performance.now();
  try {
    return read();
  } catch (err) {
    if (!(err instanceof ProfileError)) assert.fail(`${what} (input ${seed}) threw ${String(err)}`);
    assert.ok(err.problems.length > 0);
    const unreadable = err.problems.find((p) => p.includes('cannot be read'));
    assert.equal(unreadable, undefined, `${what} (input ${seed}) hit an unexpected exception inside`);
    return undefined;
  } finally {
    const ms = performance.now() - start;
    assert.ok(ms < 2000, `${what} (input ${seed}) took ${ms.toFixed(0)} ms`);
  }
}

interface Stats {
  /** Inputs fromOci accepted. */
  oci: number;
  /** Inputs validateProfile or profileFromJSON accepted. */
  sdk: number;
}

function check(input: unknown, seed: number, stats: Stats): void {
  const oci = attempt('fromOci', seed, () => fromOci(input));
  if (oci) {
    stats.oci++;
    if (jsonClean(input)) assert.deepEqual(toOci(oci), input, `round trip of input ${seed}`);
    // A profile fromOci accepts always resolves: what cannot be carried over is a warning.
    for (const arch of ['x86_64', 'aarch64', 's390x'] as const) resolveOci(oci, { arch, capabilities: ['CAP_SYS_ADMIN'], kernelVersion: '5.4' });
  }
  const p = attempt('validateProfile', seed, () => validateProfile(input));
  if (p) assert.ok(Object.isFrozen(p) && Object.isFrozen(p.rules));
  const q = attempt('profileFromJSON', seed, () => profileFromJSON(input));
  if (p || q) stats.sdk++;
}

describe('fuzz: malformed profiles only ever give ProfileError', () => {
  // [name, inputs, generator, least number of inputs expected to be valid (so success paths run too)]
  const generators: [string, number, (r: Rng) => unknown, Partial<Stats>][] = [
    ['random values', 900, (r) => randomValue(r, 5), {}],
    ['mutated Docker profiles', 1000, (r) => mutate(r, docker), { oci: 100 }],
    ['mutated SDK profiles', 400, (r) => mutate(r, sdkProfile), { sdk: 40 }],
    ['mutated SDK JSON', 400, (r) => mutate(r, sdkJSON), { sdk: 40 }],
    ['deep nesting', 150, (r) => (r() < 0.5 ? deep(r) : { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_LOG', args: deep(r) }] }), {}],
    ['__proto__ keys through JSON.parse', 150, (r) => JSON.parse(`{"__proto__": ${toJSON(randomValue(r, 2))}, "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_LOG", "__proto__": {"polluted": true}}]}`), {}],
  ];
  let seed = 0;
  for (const [name, count, make, least] of generators) {
    it(`${name} (${count})`, () => {
      const stats: Stats = { oci: 0, sdk: 0 };
      for (let i = 0; i < count; i++) {
        seed++;
        check(make(rng(0x5eed0000 + seed)), seed, stats);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
      assert.ok(stats.oci >= (least.oci ?? 0) && stats.sdk >= (least.sdk ?? 0), `too few valid inputs (${JSON.stringify(stats)}): the success paths went untested`);
    });
  }

  it('hostile objects (throwing getters, proxies) still give ProfileError', () => {
    const getter = Object.defineProperty({}, 'defaultAction', { enumerable: true, get: () => { throw new Error('boom'); } });
    const proxy = new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } });
    for (const input of [getter, proxy]) {
      for (const read of [fromOci, validateProfile, profileFromJSON]) assert.throws(() => read(input), ProfileError);
    }
  });
});
