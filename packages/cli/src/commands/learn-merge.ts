/**
 * `seccomp learn --merge existing.json`: a new recording folded into a profile learned before
 * (other replicas, other runs, other inputs), as the Security Profiles Operator merges the
 * recordings of a workload's containers: the union of what each allowed. Kept in OCI form so
 * the learned profile's commented groups survive: an entry of the new recording whose action,
 * errno, arguments and comment match an existing entry adds its new names there; any other
 * entry is appended with the names no existing unconditional entry of that action lists.
 */
import { fromOci, profileFromJSON, toOci, type OciProfile, type OciSyscall } from '@seccomp/node';
import { InputError } from '../errors.js';

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The existing profile as OCI: what learn wrote, another OCI profile, or the SDK's JSON. */
export function existingAsOci(json: unknown, path: string): OciProfile {
  if (isDict(json) && Array.isArray(json.rules)) return toOci(profileFromJSON(json));
  if (isDict(json) && typeof json.defaultAction === 'string') return fromOci(json);
  throw new InputError(`${path}: --merge needs a profile (OCI, the SDK's JSON, or one seccomp learn wrote)`);
}

function sameKind(a: OciSyscall, b: OciSyscall): boolean {
  return a.action === b.action && (a.errnoRet ?? null) === (b.errnoRet ?? null) && JSON.stringify(a.args ?? []) === JSON.stringify(b.args ?? []);
}

function namesOf(s: OciSyscall): string[] {
  return [...(s.names ?? []), ...(s.name ? [s.name] : [])];
}

export function mergeLearned(existing: OciProfile, learned: OciProfile, path: string): OciProfile {
  if (existing.defaultAction !== learned.defaultAction || (existing.defaultErrnoRet ?? null) !== (learned.defaultErrnoRet ?? null)) {
    throw new InputError(`${path}: its default action (${existing.defaultAction}) differs from the recording's (${learned.defaultAction}); merging would change what its rules mean`);
  }
  const syscalls = (existing.syscalls ?? []).map((s) => ({ ...s, names: namesOf(s) }));
  // Names an unconditional entry already decides, per action: adding them again changes nothing.
  const decided = (s: OciSyscall) => new Set(syscalls.filter((e) => !e.args?.length && sameKind({ ...e, args: [] }, { ...s, args: [] })).flatMap(namesOf));
  for (const entry of learned.syscalls ?? []) {
    const have = decided(entry);
    const fresh = namesOf(entry).filter((n) => !have.has(n));
    if (!fresh.length) continue;
    const home = syscalls.find((e) => sameKind(e, entry) && (e.comment ?? '') === (entry.comment ?? ''));
    if (home) home.names = [...home.names, ...fresh].sort();
    else syscalls.push({ ...entry, names: fresh });
  }
  const architectures = [...new Set([...(existing.architectures ?? []), ...(learned.architectures ?? [])])];
  return fromOci({ ...existing, ...(architectures.length && { architectures }), syscalls });
}
