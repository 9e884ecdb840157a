/**
 * Names a profile lists that its filter's arches lack. Each name is reported once, wherever
 * and however often it is listed, and the two cases are kept apart: a real syscall of other
 * ABIs (`chown32` in a profile written for x86 and x86_64 alike — harmless, info) is "not a
 * syscall on x86_64"; a name no table knows is a likely typo (warning, with suggestions).
 */
import { ARCH_NAMES, isMultiplexedName, isSyscallName, suggestSyscalls, syscallNames, type ArchName } from '@seccomp/node';
import { ARCHES } from '@seccomp/core/internal';
import type { Finding } from './audit-types.js';

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const namesOf = new Map<ArchName, ReadonlySet<string>>();

export function knownOn(name: string, arch: ArchName): boolean {
  let names = namesOf.get(arch);
  if (!names) namesOf.set(arch, (names = new Set<string>(syscallNames(arch))));
  const info = ARCHES[arch];
  return names.has(name) || ((info.socketcall !== undefined || info.ipc !== undefined) && isMultiplexedName(name));
}

interface Listed {
  path: string;
  occurrences: number;
}

/** Every string name in an SDK (`rules[].syscalls`) or OCI (`syscalls[].names`, `.name`) profile, first place first. */
export function listedNames(json: unknown): Map<string, Listed> {
  const out = new Map<string, Listed>();
  const see = (name: unknown, path: string) => {
    if (typeof name !== 'string' || name.startsWith('@')) return;
    const seen = out.get(name);
    if (seen) seen.occurrences++;
    else out.set(name, { path, occurrences: 1 });
  };
  if (!isDict(json)) return out;
  if (Array.isArray(json.rules)) {
    json.rules.forEach((rule: unknown, i) => {
      if (isDict(rule) && Array.isArray(rule.syscalls)) rule.syscalls.forEach((s: unknown, j) => see(s, `rules[${i}].syscalls[${j}]`));
    });
  }
  if (Array.isArray(json.syscalls)) {
    json.syscalls.forEach((group: unknown, i) => {
      if (!isDict(group)) return;
      if (Array.isArray(group.names)) group.names.forEach((s: unknown, j) => see(s, `syscalls[${i}].names[${j}]`));
      see(group.name, `syscalls[${i}].name`);
    });
  }
  return out;
}

function listArches(arches: readonly string[]): string {
  return arches.length > 4 ? `${arches.slice(0, 4).join(', ')} and ${arches.length - 4} more` : arches.join(', ');
}

/** One finding per name the filter's arches lack. */
export function nameFindings(json: unknown, arches: readonly ArchName[]): Finding[] {
  const findings: Finding[] = [];
  for (const [name, { path, occurrences }] of listedNames(json)) {
    if (arches.some((a) => knownOn(name, a))) continue;
    const times = occurrences > 1 ? ` (listed ${occurrences} times)` : '';
    if (isSyscallName(name)) {
      const existsOn = ARCH_NAMES.filter((a) => knownOn(name, a));
      const code = 'not-on-arch';
      findings.push({
        severity: 'info', code, id: code, syscall: name, arch: arches[0], arches, existsOn, path, occurrences,
        message: `${path}: "${name}" is not a syscall on ${arches.join(', ')} (it is on ${listArches(existsOn)}), so the rule never matches it there${times}`,
      });
    } else {
      const suggestions = suggestSyscalls(name);
      const code = 'unknown-syscall';
      const shown = name.length > 60 ? `${name.slice(0, 57)}...` : name;
      const hint = suggestions.length ? ` (did you mean ${suggestions.map((g) => `"${g}"`).join(' or ')}?)` : '';
      findings.push({
        severity: 'warning', code, id: code, syscall: name, arches, path, occurrences, suggestions,
        message: `${path}: unknown syscall ${JSON.stringify(shown)}${hint}${times}`,
      });
    }
  }
  return findings;
}

/** SDK JSON without the names its arches lack (the audit reports them), so the rest can be read. */
export function withoutUnknownNames(json: Record<string, unknown>, arches: readonly ArchName[]): { json: Record<string, unknown>; kept: number[] } {
  if (!Array.isArray(json.rules)) return { json, kept: [] };
  const kept: number[] = [];
  const rules = json.rules.flatMap((rule: unknown, i) => {
    if (!isDict(rule) || !Array.isArray(rule.syscalls) || rule.syscalls.length === 0) {
      kept.push(i);
      return [rule];
    }
    const names = rule.syscalls.filter((s: unknown) => typeof s !== 'string' || s.startsWith('@') || arches.some((a) => knownOn(s, a)));
    if (!names.length) return [];
    kept.push(i);
    return [{ ...rule, syscalls: names }];
  });
  return { json: { ...json, rules }, kept };
}

/** The arches an SDK profile's filter covers, read leniently (the reader checks them properly). */
export function sdkArches(json: Record<string, unknown>, fallback: readonly ArchName[]): ArchName[] {
  const listed = Array.isArray(json.arches) ? json.arches.filter((a): a is ArchName => typeof a === 'string' && a in ARCHES) : [];
  return listed.length ? listed : [...fallback];
}
