/**
 * Hostile input through every public entry of the pure tools: validateProfile, profileFromJSON,
 * resolveOci, fromOci, fromSeccompiler, compileProgram, emulate, disassemble, decodeBpf,
 * prepare, validate. Each answers with a result or a typed error (ProfileError, InvalidBpfError,
 * CompileError, UnknownSyscallError, or a TypeError/RangeError of its own), never an engine
 * message, and in time linear in the input: the pathological cases are timed at n and 8n, and
 * the larger may cost at most a generous multiple of 8 times the smaller (quadratic is 64).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeBpf } from '../src/abi.js';
import { Action } from '../src/actions.js';
import { disassemble, emulate, prepare, validate } from '../src/bpf/index.js';
import { compileProgram, CompileError } from '../src/compiler.js';
import { InvalidBpfError, ProfileError, SeccompError } from '../src/errors.js';
import { fromSeccompiler } from '../src/formats/index.js';
import { fromOci, profileFromJSON, resolveOci, validateProfile } from '../src/profile/index.js';
import { rng, type Rng } from '../testing/compile-differential-gen.js';

/** What an engine says when the code did not check its input first. */
const ENGINE = /serialize a BigInt|Maximum call stack|is not a function|Cannot read properties|Cannot convert|is not iterable|undefined is not|null is not|Invalid array length|Invalid string length/;

const ENTRIES: Record<string, (input: unknown) => unknown> = {
  validateProfile: (x) => validateProfile(x),
  profileFromJSON: (x) => profileFromJSON(x),
  resolveOci: (x) => resolveOci(x, { arch: 'x86_64' }),
  fromOci: (x) => fromOci(x),
  fromSeccompiler: (x) => fromSeccompiler(x),
  compileProgram: (x) => compileProgram(x as never, { nativeArch: 'x86_64' }),
  'emulate(program)': (x) => emulate(x as never, { arch: 'x86_64', syscall: 'read' }),
  'emulate(input)': (x) => emulate(new Uint8Array([6, 0, 0, 0, 0, 0, 0xff, 0x7f]), x as never),
  disassemble: (x) => disassemble(x as never),
  'disassemble(options)': (x) => disassemble([{ code: 6, jt: 0, jf: 0, k: 0 }], x as never),
  decodeBpf: (x) => decodeBpf(x as never),
  prepare: (x) => prepare(x as never),
  validate: (x) => validate(x as never),
};

function typed(err: unknown): boolean {
  return err instanceof ProfileError || err instanceof InvalidBpfError || err instanceof CompileError || err instanceof SeccompError
    || err instanceof TypeError || err instanceof RangeError;
}

function check(entry: string, input: unknown, label: string): void {
  try {
    ENTRIES[entry]!(input);
  } catch (err) {
    const e = err as Error;
    assert.ok(typed(err) && !(err instanceof SyntaxError), `${entry}(${label}): untyped ${e?.name}: ${String(e?.message).slice(0, 200)}`);
    assert.doesNotMatch(String(e.message), ENGINE, `${entry}(${label}): an engine message`);
    assert.ok(e.message.length < 20_000, `${entry}(${label}): a message of ${e.message.length} characters`);
  }
}

function deep(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { arches: v, rules: v, syscalls: v };
  return v;
}

const NAMES = ['read', 'write', 'openat', 'socket', 'socketcall', 'chown32', 'frobnicate', '', '@file-system', '__proto__', 'constructor'];
const ACTIONS = ['allow', 'errno(EPERM)', 'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'kill_process', 'errno(4096)', 'trap', 'log'];

function value(r: Rng, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 4 ? 9 : 14));
  switch (k) {
    case 0: return undefined;
    case 1: return null;
    case 2: return Math.floor(r() * 2 ** 40) * (r() < 0.5 ? -1 : 1);
    case 3: return BigInt(Math.floor(r() * 2 ** 52)) ** 2n;
    case 4: return NAMES[Math.floor(r() * NAMES.length)];
    case 5: return ACTIONS[Math.floor(r() * ACTIONS.length)];
    case 6: return r() < 0.5 ? Number.NaN : Infinity;
    case 7: return [new Uint16Array(4), new BigUint64Array(2), new Uint8Array(7), new Uint8Array(16), new Float64Array(1)][Math.floor(r() * 5)];
    case 8: return r() < 0.5;
    case 9: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    case 10: return Array.from({ length: Math.floor(r() * 4) }, () => ({ code: value(r, depth + 1), jt: 0, jf: 0, k: value(r, depth + 1) }));
    default: {
      const o: Record<string, unknown> = {};
      const keys = ['defaultAction', 'arches', 'rules', 'syscalls', 'names', 'action', 'conditions', 'args', 'arch', 'syscall', 'attributes', 'architectures', 'main', 'filter', 'default_action', 'filter_action', 'mismatch_action', 'match_action'];
      for (let i = Math.floor(r() * 5); i > 0; i--) o[keys[Math.floor(r() * keys.length)]!] = value(r, depth + 1);
      return o;
    }
  }
}

describe('hostile input: typed errors from every entry', () => {
  const fixed: Record<string, unknown> = {
    undefined: undefined, 42: 42, 'a bigint': 10n, 'a Uint16Array': new Uint16Array(4), 'a BigUint64Array': new BigUint64Array(2),
    'a deep object': deep(50_000), 'a bigint arch': { defaultAction: 'allow', arches: 10n, rules: [], arch: 10n, syscall: 'read' },
    'a deep arch': { defaultAction: 'allow', arches: deep(50_000), rules: [], arch: deep(50_000), syscall: deep(1000) },
    'a symbol': Symbol('x'), 'a function': () => 0, 'an odd-length program': new Uint8Array(9),
    'instructions with strings': [{ code: '6', jt: 0, jf: 0, k: 0 }], 'a cycle': (() => { const o: Record<string, unknown> = {}; o.rules = [o]; o.arches = o; return o; })(),
  };
  for (const entry of Object.keys(ENTRIES)) {
    it(`${entry}: the pathological values`, () => {
      for (const [label, input] of Object.entries(fixed)) check(entry, input, label);
    });
  }
  it('1,500 seeded random values through each entry', () => {
    const r = rng(0x5ecc0);
    for (let i = 0; i < 1500; i++) {
      const input = value(r);
      for (const entry of Object.keys(ENTRIES)) check(entry, input, `random #${i}`);
    }
  });
});

function timed(f: () => void): number {
  const start = performance.now();
  try {
    f();
  } catch {
    // Refusing is fine; only the time is measured here (the typed-error tests check what is thrown).
  }
  return performance.now() - start;
}

/**
 * Times `make(n)` and `make(8n)` through `run`: the larger may cost at most 24× the smaller
 * (plus noise). Only the ratio is judged: the time itself is the machine's (an emulated aarch64
 * CPU takes ten times as long as x86_64).
 */
function linear(label: string, n: number, make: (n: number) => unknown, run: (input: unknown) => void): void {
  timed(() => run(make(Math.max(1, n >> 4))));
  const small = make(n);
  const large = make(8 * n);
  const a = Math.min(timed(() => run(small)), timed(() => run(small)));
  const b = timed(() => run(large));
  assert.ok(b < 24 * Math.max(a, 2), `${label}: n=${n} ${a.toFixed(1)} ms, 8n ${b.toFixed(1)} ms (superlinear)`);
}

const sdk = (syscalls: readonly string[]) => ({ defaultAction: Action.errno('EPERM'), rules: [{ syscalls, action: Action.allow }] });
const json = (syscalls: readonly string[]) => ({ defaultAction: 'errno(EPERM)', rules: [{ syscalls, action: 'allow' }] });
const oci = (names: readonly string[]) => ({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] });

describe('hostile input: time linear in the input', () => {
  const longName = (n: number) => sdk(['x'.repeat(n)]);
  const unknownNames = (n: number) => sdk(Array.from({ length: n }, (_, i) => `unknown_call_${i}`));
  const duplicates = (n: number) => sdk(Array.from({ length: n }, (_, i) => ['read', 'write', 'openat'][i % 3]!));
  it('a 60,000-character name', () => {
    linear('validateProfile, long name', 7_500, longName, (x) => validateProfile(x));
    linear('resolveOci, long name', 7_500, (n) => oci(['x'.repeat(n)]), (x) => resolveOci(x, { arch: 'x86_64' }));
    linear('emulate, long name', 19_375, (n) => 'y'.repeat(n), (x) => emulate(new Uint8Array([6, 0, 0, 0, 0, 0, 0xff, 0x7f]), { arch: 'x86_64', syscall: x as string }));
  });
  it('10,000 unknown names', () => {
    linear('validateProfile, unknown names', 1_250, unknownNames, (x) => validateProfile(x));
    linear('profileFromJSON, unknown names', 1_250, (n) => json(Array.from({ length: n }, (_, i) => `unknown_call_${i}`)), (x) => profileFromJSON(x));
    linear('resolveOci, unknown names', 1_250, (n) => oci(Array.from({ length: n }, (_, i) => `unknown_call_${i}`)), (x) => resolveOci(x, { arch: 'x86_64' }));
  });
  it('92,442 duplicate syscalls in one rule', () => {
    linear('validateProfile, duplicates', 11_555, duplicates, (x) => validateProfile(x));
    linear('profileFromJSON, duplicates', 11_555, (n) => json(Array.from({ length: n }, (_, i) => ['read', 'write', 'openat'][i % 3]!)), (x) => profileFromJSON(x));
    linear('compileProgram, duplicates', 11_555, duplicates, (x) => compileProgram(x as never, { nativeArch: 'x86_64' }));
    linear('resolveOci, duplicates', 11_555, (n) => oci(Array.from({ length: n }, (_, i) => ['read', 'write', 'openat'][i % 3]!)), (x) => resolveOci(x, { arch: 'x86_64' }));
  });
  it('a long program through disassemble and emulate', () => {
    const program = (n: number) => {
      const bytes = new Uint8Array(8 * n);
      for (let i = 0; i < n; i++) bytes[8 * i] = i === n - 1 ? 6 : 0x04; // ALU add, …, return
      bytes[8 * n - 2] = 0xff;
      bytes[8 * n - 1] = 0x7f;
      return bytes;
    };
    linear('disassemble', 512, program, (x) => disassemble(x as Uint8Array));
  });
  it('keeps refusing: a valid answer for a small valid profile', () => {
    const p = validateProfile({ defaultAction: Action.errno(1), rules: [{ syscalls: ['read'], action: Action.allow }] });
    assert.equal(compileProgram(p, { nativeArch: 'x86_64' }).program.at(-1)!.code, 6);
  });
});
