/**
 * Reading what the user points a command at: the SDK's profile JSON, an OCI/Docker seccomp
 * profile (or a whole OCI config.json, whose linux.seccomp is used), or a compiled BPF
 * program. The format is detected from the content, never from the file name, so a
 * profile saved as .txt still works and a BPF file is never parsed as JSON.
 */
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import {
  ARCH_NAMES, decodeBpf, formatAction, isArchName, nativeArch, profileFromJSON, resolveOci, validate, validateProfile,
  archInfo, withEnosysStub, type ArchName, type EnosysAbove, type Profile, type OciWarning, type Rule, type SockFilter,
} from '@seccomp/node';
import { InputError, UsageError } from './errors.js';
import { findJsonFault } from './json-position.js';
import { suggestOne } from '@seccomp/core/internal';

export type ProfileFormat = 'sdk' | 'oci';

export interface ProfilePolicy {
  kind: 'profile';
  format: ProfileFormat;
  path: string;
  /** Validated; its `arches` are the ones the filter covers (never empty). */
  profile: Profile;
  /** Where each rule came from: `rules[3]` (SDK) or `syscalls[12]` (OCI). */
  origins: string[];
  /** What could not be carried over from an OCI profile (resolveOci's warnings). */
  warnings: readonly string[];
  /** The same warnings as fields (OCI profiles; empty for SDK JSON). */
  details: readonly OciWarning[];
  /** The JSON as read (for audit, which looks at what was written, not what survived). */
  json: unknown;
  /** With --enosys-newer (OCI): per arch, the highest syscall number named; runc's stub answers ENOSYS above it. */
  enosysAbove?: EnosysAbove;
}

export interface BpfPolicy {
  kind: 'bpf';
  path: string;
  bytes: Uint8Array;
  program: SockFilter[];
  /** The arch whose byte order the program was read in. */
  arch: ArchName;
}

export type Policy = ProfilePolicy | BpfPolicy;

export interface PolicyOptions {
  /** The arches the filter covers; for an OCI profile the first is the one it is resolved for. */
  arches?: readonly ArchName[];
  /** Capabilities an OCI profile's includes/excludes see (Docker checks the bounding set). */
  capabilities?: readonly string[];
  /** For OCI minKernel: the kernel the filter will run on. Default: assume a current one. */
  kernelVersion?: string;
  optimize?: 1 | 2;
  /** Whether the loaded libseccomp knows a syscall name: an OCI profile's names it does not are warned about. */
  libraryKnows?: (name: string) => boolean;
  /** runc's skip: an OCI profile's names the loaded libseccomp does not know are left out. */
  skipUnknownToLibrary?: boolean;
  /** runc's ENOSYS stub for syscall numbers above the highest an OCI profile names. */
  enosysForNewer?: boolean;
}

/** The kernel of this machine, for commands that load the filter here (run). */
export function thisKernel(): string {
  return release();
}

export function parseArches(list: readonly string[]): ArchName[] | undefined {
  if (!list.length) return undefined;
  return list.map((a) => {
    if (isArchName(a)) return a;
    const guess = suggestOne(a, ARCH_NAMES, { prefix: true });
    throw new UsageError(`unknown arch "${a}"${guess ? ` (did you mean "${guess}"?)` : ''}; use one of ${ARCH_NAMES.join(', ')}`);
  });
}

export function parseOptimize(value: string | undefined): 1 | 2 | undefined {
  if (value === undefined) return undefined;
  if (value === '1' || value === '2') return Number(value) as 1 | 2;
  throw new UsageError(`--optimize is 1 (linear, by priority) or 2 (binary tree), got "${value}"`);
}

export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new InputError(`${path}: no such file`);
    if (code === 'EISDIR') throw new InputError(`${path}: is a directory, not a file`);
    if (code === 'EACCES') throw new InputError(`${path}: permission denied`);
    throw new InputError(`${path}: cannot read (${code ?? (err as Error).message})`);
  }
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b /* { */ || b === 0x5b /* [ */;
  }
  return false;
}

/** JSON.parse, and on failure the line and column, so an editor can jump there. */
export function parseJson(text: string, path: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch (err) {
    const fault = findJsonFault(body);
    if (fault) throw new InputError(`${path}: malformed JSON at line ${fault.line}, column ${fault.column}: ${fault.what}`);
    throw new InputError(`${path}: malformed JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An OCI config.json carries the profile under linux.seccomp. */
function unwrapOciConfig(json: unknown): unknown {
  if (isDict(json) && isDict(json.linux) && 'ociVersion' in json) {
    if (!isDict(json.linux.seccomp)) throw new InputError('this OCI config has no linux.seccomp section');
    return json.linux.seccomp;
  }
  return json;
}

export function detectFormat(json: unknown, path: string): ProfileFormat {
  if (!isDict(json)) throw new InputError(`${path}: a profile is a JSON object, this file holds ${Array.isArray(json) ? 'an array' : typeof json}`);
  if ('rules' in json) return 'sdk';
  const oci = ['syscalls', 'architectures', 'archMap', 'flags', 'defaultErrnoRet', 'listenerPath'].some((k) => k in json);
  if (oci || (typeof json.defaultAction === 'string' && json.defaultAction.startsWith('SCMP_ACT_'))) return 'oci';
  if ('defaultAction' in json) return 'sdk';
  throw new InputError(`${path}: neither an SDK profile (defaultAction + rules) nor an OCI seccomp profile (defaultAction + syscalls)`);
}

/** Reads any of the three formats. `allowBpf: false` makes a BPF file an input error. */
export function readPolicy(path: string, options: PolicyOptions = {}, allowBpf = true): Policy {
  const bytes = readBytes(path);
  if (!looksLikeJson(bytes)) {
    if (!allowBpf) throw new InputError(`${path}: not a JSON profile (this command needs a profile, not a compiled BPF program)`);
    return readBpf(path, bytes, options.arches?.[0]);
  }
  const json = unwrapOciConfig(parseJson(new TextDecoder().decode(bytes), path));
  return readProfileJson(json, path, options);
}

export function readBpf(path: string, bytes: Uint8Array, arch: ArchName = nativeArch()): BpfPolicy {
  if (bytes.byteLength === 0) throw new InputError(`${path}: empty file`);
  if (bytes.byteLength % 8 !== 0) {
    throw new InputError(`${path}: not a BPF program (${bytes.byteLength} bytes is not a multiple of the 8-byte instruction) nor a JSON profile`);
  }
  const program = decodeBpf(bytes, archInfo(arch).endian);
  validate(program);
  return { kind: 'bpf', path, bytes, program, arch };
}

export function readProfileJson(json: unknown, path: string, options: PolicyOptions = {}): ProfilePolicy {
  const format = detectFormat(json, path);
  const native = nativeArch();
  if (format === 'sdk') {
    let profile = profileFromJSON(json);
    const arches = options.arches ?? (profile.arches?.length ? profile.arches : [native]);
    profile = validateProfile({ ...profile, arches, ...withOptimize(profile, options.optimize) });
    return { kind: 'profile', format, path, profile, origins: profile.rules.map((_, i) => `rules[${i}]`), warnings: [], details: [], json };
  }
  return readOci(json, path, options);
}

function withOptimize(profile: Profile, optimize: 1 | 2 | undefined): { attributes?: Profile['attributes'] } {
  return optimize ? { attributes: { ...profile.attributes, optimize } } : {};
}

const TAG = '\u0000seccomp-cli:';

/**
 * resolveOci drops the groups that do not apply here, so a rule's index says nothing about
 * where it came from. Each group's comment is swapped for a tag before resolving and put
 * back after, which maps every rule to its `syscalls[i]` without re-implementing Docker's rules.
 */
function readOci(json: unknown, path: string, options: PolicyOptions): ProfilePolicy {
  const groups = isDict(json) && Array.isArray(json.syscalls) ? (json.syscalls as unknown[]) : undefined;
  const tagged = groups ? { ...(json as object), syscalls: groups.map((g, i) => (isDict(g) ? { ...g, comment: `${TAG}${i}` } : g)) } : json;
  const [arch, ...more] = options.arches ?? [nativeArch()];
  const { profile, warnings, details, enosysAbove } = resolveOci(tagged, {
    arch: arch!,
    ...(options.capabilities && { capabilities: options.capabilities }),
    ...(options.kernelVersion && { kernelVersion: options.kernelVersion }),
    ...(options.libraryKnows && { libraryKnows: options.libraryKnows }),
    ...(options.skipUnknownToLibrary && { skipUnknownToLibrary: true }),
    ...(options.enosysForNewer && { enosysForNewer: true }),
  });
  const origins: string[] = [];
  const rules: Rule[] = profile.rules.map((rule) => {
    const index = Number(rule.comment?.slice(TAG.length));
    origins.push(`syscalls[${index}]`);
    const original = (groups?.[index] as { comment?: unknown } | undefined)?.comment;
    const { comment: _tag, ...rest } = rule;
    return typeof original === 'string' ? { ...rest, comment: original } : rest;
  });
  const arches = [...(profile.arches ?? [arch!])];
  for (const a of more) if (!arches.includes(a)) arches.push(a);
  const resolved = validateProfile({ ...profile, arches, rules, ...withOptimize(profile, options.optimize) });
  // runc adds no stub when the default lets calls through; say so rather than do nothing silently.
  const noStub = options.enosysForNewer && !enosysAbove ? [`--enosys-newer: no ENOSYS stub, as runc: the default action ${formatAction(resolved.defaultAction)} lets the call through`] : [];
  return {
    kind: 'profile', format: 'oci', path, profile: resolved, origins, warnings: [...warnings, ...noStub], details, json,
    ...(enosysAbove && { enosysAbove }),
  };
}

/**
 * The program as the filter holds it: with runc's ENOSYS stub in front when the policy asked
 * for it (--enosys-newer). `offset` is the stub's length in instructions, by which every pc of
 * the compiled program moved (provenance is the compiler's, before the stub).
 */
export function withStub(policy: Policy, bytes: Uint8Array): { bytes: Uint8Array; offset: number } {
  const above = policy.kind === 'profile' ? policy.enosysAbove : undefined;
  if (!above) return { bytes, offset: 0 };
  const stubbed = withEnosysStub(bytes, above);
  return { bytes: stubbed, offset: (stubbed.byteLength - bytes.byteLength) / 8 };
}

/**
 * The OCI-only options said to be ignored for an SDK profile or a BPF program, as a warning
 * (they change how an OCI profile is read; the other inputs say exactly what they hold).
 */
export function ignoredOciOptions(policy: Policy, options: PolicyOptions): string[] {
  if (policy.kind === 'profile' && policy.format === 'oci') return [];
  const given = [options.skipUnknownToLibrary && '--skip-unknown-to-library', options.enosysForNewer && '--enosys-newer'].filter((x): x is string => !!x);
  const what = policy.kind === 'bpf' ? 'a compiled program' : 'an SDK profile';
  return given.length ? [`${given.join(' and ')} read${given.length === 1 ? 's' : ''} OCI profiles only: ignored for ${what}`] : [];
}

/** The arches a policy's filter covers (the native one for a bare profile). */
export function archesOf(policy: Policy): readonly ArchName[] {
  return policy.kind === 'bpf' ? [policy.arch] : (policy.profile.arches ?? [nativeArch()]);
}
