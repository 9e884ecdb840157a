/**
 * Writes a profile as the C baseline's spec (native/spec.h): the libseccomp calls the SDK's
 * buildFilter makes for it, in the same order. If this drifts from the SDK, the BPF check
 * before timing fails, because the C program would then generate a different program.
 */
import {
  ATTRIBUTES, archInfo, encodeAction, isSyscallName, resolveSyscall, Action, type ArchName,
  type Profile,
} from '@seccomp/node';
import { toArgCmp } from '@seccomp/core/internal';

function tableNumber(name: string, arch: ArchName): number {
  try {
    return isSyscallName(name) ? resolveSyscall(name, arch) : -1;
  } catch {
    return -1;
  }
}

/**
 * `libraryKnows` (the loaded libseccomp's name lookup) matters on a multi-arch profile only:
 * there buildFilter leaves out a name libseccomp does not know (it cannot translate the
 * number to the other arches), so the spec leaves it out too.
 */
export function profileToSpec(profile: Profile, native: ArchName, libraryKnows?: (name: string) => boolean): string {
  const out: string[] = [`default ${encodeAction(profile.defaultAction)}`];
  const a = profile.attributes ?? {};
  const attr = (name: keyof typeof ATTRIBUTES, value: number) => out.push(`attr ${ATTRIBUTES[name]} ${value >>> 0}`);
  if (a.tsync ?? true) attr('tsync', 1);
  if (a.noNewPrivs === false) attr('noNewPrivs', 0);
  if (a.log) attr('log', 1);
  if (a.specAllow) attr('specAllow', 1);
  if (a.optimize) attr('optimize', a.optimize);
  if (a.rawRc) attr('rawRc', 1);
  if (a.apiTskip) attr('apiTskip', 1);
  attr('badArchAction', encodeAction(a.badArchAction ?? Action.killProcess));
  const arches = profile.arches ?? [];
  for (const arch of arches) if (arch !== native) out.push(`arch-add ${archInfo(arch).token}`);
  if (arches.length && !arches.includes(native)) out.push(`arch-remove ${archInfo(native).token}`);
  const nativeOnly = !arches.length || (arches.length === 1 && arches[0] === native);
  for (const rule of profile.rules) {
    for (const syscall of rule.syscalls) {
      if (typeof syscall !== 'string') throw new Error('the benchmark profiles name their syscalls');
      if (!nativeOnly && libraryKnows && !libraryKnows(syscall)) continue;
      const nr = tableNumber(syscall, native);
      if (rule.priority !== undefined) out.push(`priority ${syscall} ${nr} ${rule.priority}`);
      const cmps = (rule.conditions ?? []).map(toArgCmp).map((c) => `${c.arg} ${c.op} ${c.datumA} ${c.datumB}`);
      out.push(`${rule.exact ? 'exact' : 'rule'} ${encodeAction(rule.action)} ${syscall} ${nr} ${cmps.length}${cmps.length ? ` ${cmps.join(' ')}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}
