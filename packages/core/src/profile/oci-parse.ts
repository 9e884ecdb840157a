/**
 * fromOci: checks an OCI (or Docker) seccomp profile's shape and returns a frozen copy
 * that keeps every field as written, nulls included, so toOci(fromOci(x)) deep-equals x.
 * Unknown fields are mistakes (a misspelt "errnoret" would otherwise be ignored).
 * Syscall names are not checked here: profiles list syscalls newer than some tables,
 * and only resolveOci knows the arch; it reports those as warnings.
 */
import { errnoProblem, OCI_ACTIONS, type OciActionName } from '../actions.js';
import { ERRNO, errnoNumber } from '../errno.js';
import { ARCH_NAMES, ARCHES } from '../arch.js';
import { isIntIn, parseU64, U64_HINT } from './numbers.js';
import { anyArch, archFromOci, dockerArchNames, dockerSpellings, isDockerArch } from './oci-arches.js';
import { OCI_FLAGS, OCI_OPERATORS, type OciProfile } from './oci-types.js';
import { at, checkKeys, deepFreeze, describe, didYouMean, guard, isDict, own, Problems, quote, type Dict } from './util.js';

const TOP_KEYS = ['defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'archMap', 'flags', 'listenerPath', 'listenerMetadata', 'syscalls'];
const SYSCALL_KEYS = ['names', 'name', 'action', 'errnoRet', 'errno', 'args', 'comment', 'includes', 'excludes'];
const ARG_KEYS = ['index', 'value', 'valueTwo', 'op'];
const FILTER_KEYS = ['arches', 'caps', 'minKernel'];
const ARCH_MAP_KEYS = ['architecture', 'subArchitectures'];
const OCI_ARCH_NAMES = ARCH_NAMES.map((a) => ARCHES[a].oci);
/**
 * seccomp_data has six arguments. runc takes more comparisons than that only when some
 * argument has two (it then adds one rule per comparison); the runtime-spec sets no limit,
 * so this is a sanity bound on what a hand-written entry needs, not libseccomp's.
 */
const MAX_ARGS = 64;

type Reader = (value: unknown, path: string, problems: Problems) => unknown;

/** Objects fromOci returned: frozen, so checking them again would find nothing new. */
const checked = new WeakSet<object>();

export function fromOci(json: unknown): OciProfile {
  if (typeof json === 'object' && json !== null && checked.has(json)) return json as OciProfile;
  return guard('profile', () => {
    const problems = new Problems();
    const copy = readProfile(json, problems);
    problems.throwIfAny();
    const profile = deepFreeze(copy as unknown as OciProfile);
    checked.add(profile);
    return profile;
  });
}

/**
 * Copies `key` when present: null stays null (Go's nil slice), a valid value is copied
 * by `read`, anything else is reported. An undefined value counts as absent.
 */
function copyField(src: Dict, dst: Dict, key: string, path: string, problems: Problems, read: Reader, required = false): void {
  const value = own(src, key);
  if (value === undefined) {
    if (required) problems.add(at(path, key), 'required');
    return;
  }
  if (value === null && !required) {
    dst[key] = null;
    return;
  }
  const copy = read(value, at(path, key), problems);
  if (copy !== undefined) dst[key] = copy;
}

function readProfile(json: unknown, problems: Problems): Dict | undefined {
  if (!isDict(json)) {
    problems.add('profile', `must be an object (the linux.seccomp section of an OCI config), got ${describe(json)}`);
    return undefined;
  }
  checkKeys(json, TOP_KEYS, '', problems);
  const out: Dict = {};
  copyField(json, out, 'defaultAction', '', problems, readAction, true);
  copyField(json, out, 'defaultErrnoRet', '', problems, readErrnoRet);
  copyField(json, out, 'defaultErrno', '', problems, readErrnoName);
  checkErrnoLimit(json, 'defaultAction', ['defaultErrnoRet', 'defaultErrno'], '', problems);
  copyField(json, out, 'architectures', '', problems, (v, p, pr) => readList(v, p, pr, readOciArch));
  copyField(json, out, 'archMap', '', problems, readArchMap);
  copyField(json, out, 'flags', '', problems, (v, p, pr) => readList(v, p, pr, readFlag));
  copyField(json, out, 'listenerPath', '', problems, readString);
  copyField(json, out, 'listenerMetadata', '', problems, readString);
  copyField(json, out, 'syscalls', '', problems, (v, p, pr) => readList(v, p, pr, readSyscall));
  if (nonEmpty(own(json, 'architectures')) && nonEmpty(own(json, 'archMap'))) {
    problems.add('archMap', 'given together with architectures: use one or the other (Docker refuses both)');
  }
  return out;
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function readList(value: unknown, path: string, problems: Problems, item: Reader): unknown[] | undefined {
  if (!Array.isArray(value)) {
    problems.add(path, `must be an array, got ${describe(value)}`);
    return undefined;
  }
  const out: unknown[] = [];
  for (let i = 0; i < value.length; i++) out.push(item(value[i], at(path, i), problems));
  return out;
}

function readString(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string') return value;
  problems.add(path, `must be a string, got ${describe(value)}`);
  return undefined;
}

/** An enumerated string; a misspelling gets a guess, anything else the list to choose from. */
function readEnum<T extends string>(value: unknown, path: string, problems: Problems, allowed: readonly T[], what: string, guess?: string): T | undefined {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  const list = `use one of ${allowed.join(', ')}`;
  if (typeof value !== 'string') {
    problems.add(path, `must be ${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}, got ${describe(value)}; ${list}`);
    return undefined;
  }
  guess ??= withPrefix(value, allowed);
  const hint = guess === undefined ? didYouMean(value, allowed) : ` (did you mean "${guess}"?)`;
  problems.add(path, `unknown ${what} ${quote(value)}${hint || `; ${list}`}`);
  return undefined;
}

/** `EQ` → `SCMP_CMP_EQ`, `TSYNC` → `SECCOMP_FILTER_FLAG_TSYNC`: the list's shared prefix left out. */
function withPrefix(value: string, allowed: readonly string[]): string | undefined {
  const first = allowed[0] ?? '';
  let n = first.length;
  for (const a of allowed) while (n > 0 && !a.startsWith(first.slice(0, n))) n--;
  const full = `${first.slice(0, n)}${value.toUpperCase()}`;
  return allowed.includes(full) ? full : undefined;
}

function readAction(value: unknown, path: string, problems: Problems): OciActionName | undefined {
  return readEnum(value, path, problems, OCI_ACTIONS, 'action');
}

function readFlag(value: unknown, path: string, problems: Problems): string | undefined {
  return readEnum(value, path, problems, OCI_FLAGS, 'flag');
}

function readOciArch(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && archFromOci(value)) return value;
  const arch = typeof value === 'string' ? anyArch(value) : undefined;
  return readEnum(value, path, problems, OCI_ARCH_NAMES, 'arch', arch && ARCHES[arch].oci);
}

function readErrnoRet(value: unknown, path: string, problems: Problems): number | undefined {
  if (isIntIn(value, 0, 0xffff)) return value;
  problems.add(path, `must be an integer from 0 to 65535 (the 16 data bits of the return value), got ${describe(value)}`);
  return undefined;
}

/** Podman's `errno`/`defaultErrno`: a name containers-common knows, or a decimal string ("" is unset). */
function readErrnoName(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && (value === '' || errnoValue(value) !== undefined)) return value;
  if (typeof value !== 'string') problems.add(path, `must be an errno name such as "EPERM", got ${describe(value)}`);
  else problems.add(path, `unknown errno ${quote(value)}${didYouMean(value, Object.keys(ERRNO))}: use a name such as "EPERM" or a decimal string`);
  return undefined;
}

/** The number podman reads from an `errno` string: the name's, or the decimal's. */
export function errnoValue(text: string): number | undefined {
  if (/^\d{1,10}$/.test(text)) return Number(text);
  return errnoNumber(text);
}

/** With SCMP_ACT_ERRNO, errnoRet/errno must be below MAX_ERRNO: libseccomp refuses the rest. */
function checkErrnoLimit(value: Dict, actionKey: string, keys: readonly string[], path: string, problems: Problems): void {
  if (own(value, actionKey) !== 'SCMP_ACT_ERRNO') return;
  for (const key of keys) {
    const raw = own(value, key);
    const n = typeof raw === 'string' ? (raw === '' ? undefined : errnoValue(raw)) : raw;
    // Past 16 bits (or not a number) readErrnoRet has said so already.
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || (typeof raw === 'number' && n > 0xffff)) continue;
    const why = errnoProblem(n);
    if (why) problems.add(at(path, key), `with SCMP_ACT_ERRNO ${why}, got ${describe(raw)}`);
  }
}

function readArchMap(value: unknown, path: string, problems: Problems): unknown[] | undefined {
  const list = readList(value, path, problems, readArchMapEntry);
  const seen = new Map<unknown, number>();
  list?.forEach((entry, i) => {
    const arch = isDict(entry) ? entry.architecture : undefined;
    if (arch === undefined) return;
    if (seen.has(arch)) problems.add(at(at(path, i), 'architecture'), `${String(arch)} already has an entry (${path}[${seen.get(arch)}]); Docker uses only the first`);
    else seen.set(arch, i);
  });
  return list;
}

function readArchMapEntry(value: unknown, path: string, problems: Problems): Dict | undefined {
  if (!isDict(value)) {
    problems.add(path, `must be an object { architecture, subArchitectures }, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, ARCH_MAP_KEYS, path, problems);
  const out: Dict = {};
  copyField(value, out, 'architecture', path, problems, readOciArch, true);
  copyField(value, out, 'subArchitectures', path, problems, (v, p, pr) => readList(v, p, pr, readOciArch));
  return out;
}

function readSyscall(value: unknown, path: string, problems: Problems): Dict | undefined {
  if (!isDict(value)) {
    problems.add(path, `must be an object { names, action, … }, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, SYSCALL_KEYS, path, problems);
  const out: Dict = {};
  copyField(value, out, 'names', path, problems, (v, p, pr) => readList(v, p, pr, readName));
  // Go writes an unset `name` as "" unless told to omit it: that is no name.
  copyField(value, out, 'name', path, problems, (v, p, pr) => (v === '' ? v : readName(v, p, pr)));
  copyField(value, out, 'action', path, problems, readAction, true);
  copyField(value, out, 'errnoRet', path, problems, readErrnoRet);
  copyField(value, out, 'errno', path, problems, readErrnoName);
  checkErrnoLimit(value, 'action', ['errnoRet', 'errno'], path, problems);
  copyField(value, out, 'args', path, problems, readArgs);
  copyField(value, out, 'comment', path, problems, readString);
  copyField(value, out, 'includes', path, problems, readFilter);
  copyField(value, out, 'excludes', path, problems, readFilter);
  checkNames(value, path, problems);
  return out;
}

function readName(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  problems.add(path, `must be a syscall name, got ${describe(value)}`);
  return undefined;
}

/** `names` with at least one entry, or Docker's older single `name`; never both (Docker refuses). */
function checkNames(value: Dict, path: string, problems: Problems): void {
  const names = own(value, 'names');
  const name = own(value, 'name');
  const hasName = typeof name === 'string' && name !== '';
  if (hasName && nonEmpty(names)) problems.add(at(path, 'name'), 'given together with names: use one or the other (Docker refuses both)');
  else if (!hasName && Array.isArray(names) && names.length === 0) problems.add(at(path, 'names'), 'empty: list at least one syscall');
  else if (!hasName && (names === undefined || names === null)) problems.add(at(path, 'names'), 'required (a list of syscall names)');
}

function readArgs(value: unknown, path: string, problems: Problems): unknown[] | undefined {
  const args = readList(value, path, problems, readArg);
  if (!args) return undefined;
  // Two comparisons on one argument are runc's "or" (resolveOci splits the entry), not a mistake.
  if (args.length > MAX_ARGS) problems.add(path, `${args.length} args: more comparisons than any syscall entry needs (at most ${MAX_ARGS})`);
  return args;
}

function readArg(value: unknown, path: string, problems: Problems): Dict | undefined {
  if (!isDict(value)) {
    problems.add(path, `must be an object { index, value, op }, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, ARG_KEYS, path, problems);
  const out: Dict = {};
  copyField(value, out, 'index', path, problems, readIndex, true);
  copyField(value, out, 'value', path, problems, readU64, true);
  copyField(value, out, 'valueTwo', path, problems, readU64);
  copyField(value, out, 'op', path, problems, (v, p, pr) => readEnum(v, p, pr, OCI_OPERATORS, 'operator'), true);
  return out;
}

function readIndex(value: unknown, path: string, problems: Problems): number | undefined {
  if (isIntIn(value, 0, 5)) return value;
  problems.add(path, `must be an argument index from 0 to 5, got ${describe(value)}`);
  return undefined;
}

/** Kept as written (number or string): the copy must equal the input. */
function readU64(value: unknown, path: string, problems: Problems): number | string | undefined {
  if (parseU64(value) !== undefined) return value as number | string;
  problems.add(path, `${U64_HINT}, got ${describe(value)}`);
  return undefined;
}

function readFilter(value: unknown, path: string, problems: Problems): Dict | undefined {
  if (!isDict(value)) {
    problems.add(path, `must be an object { arches, caps, minKernel }, got ${describe(value)}`);
    return undefined;
  }
  checkKeys(value, FILTER_KEYS, path, problems);
  const out: Dict = {};
  copyField(value, out, 'arches', path, problems, (v, p, pr) => readList(v, p, pr, readDockerArch));
  copyField(value, out, 'caps', path, problems, (v, p, pr) => readList(v, p, pr, readCap));
  copyField(value, out, 'minKernel', path, problems, readKernel);
  return out;
}

/** Docker's spelling is suggested: its own code matches only that one. */
function readDockerArch(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && isDockerArch(value)) return value;
  const arch = typeof value === 'string' ? anyArch(value) : undefined;
  return readEnum(value, path, problems, dockerArchNames(), 'arch', arch && dockerSpellings(arch).at(-1));
}

/** Docker compares capability names exactly, so "SYS_ADMIN" would never match. */
function readCap(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && /^CAP_[A-Z0-9_]+$/.test(value)) return value;
  const hint = typeof value === 'string' && /^[a-z0-9_]+$/i.test(value) ? ` (write ${quote(`CAP_${value.replace(/^cap_/i, '').toUpperCase()}`)})` : '';
  problems.add(path, `must be a capability name such as "CAP_SYS_ADMIN", got ${describe(value)}${hint}`);
  return undefined;
}

function readKernel(value: unknown, path: string, problems: Problems): string | undefined {
  if (typeof value === 'string' && /^\d{1,9}\.\d{1,9}$/.test(value)) return value;
  problems.add(path, `must be a kernel version "major.minor" such as "4.8", got ${describe(value)}`);
  return undefined;
}
