/**
 * The profiles users load most, each built by both compilers: Docker's default on every arch
 * set its archMap names (that libseccomp 2.5.4 knows), and the two filters lockdown() builds
 * for every preset, with its options that change the filters. On x86_64 the lockdown pair
 * comes from compileLockdown() itself, once with `via: 'libseccomp'` and once with the SDK's
 * compiler; on aarch64 from the same plan, built by each compiler here.
 */
import {
  ARCHES, decodeLockdownBpf, DOCKER_DEFAULT_PROFILE, planLockdown, resolveLockdownOptions, resolveOci,
  type ArchName, type Endian, type LockdownOptions, type Profile,
} from '../src/internal.js';
import { compileProfileBpf, CompileError } from '../src/compile/index.js';
import { bindSelfPid, SELF_PID_PLACEHOLDER } from '../src/lockdown/self.js';
import { libseccompProgram, NATIVE, trimToLibrary, type LibseccompSide } from './compile-differential-libseccomp.js';

export interface PresetCase {
  name: string;
  /** What the rules say, for choosing argument vectors. */
  profile: Profile;
  ours: Uint8Array;
  theirs: Uint8Array;
  endian: Endian;
}

export interface PresetCases {
  cases: PresetCase[];
  /** Arches a set lost because the compiler refused them, with the reason. */
  refused: string[];
  /** Names left out because the loaded libseccomp does not know them (see trimToLibrary). */
  dropped: string[];
}

const KNOWN_TO_25 = new Set<ArchName>(['x86_64', 'x86', 'x32', 'aarch64', 'arm', 'mips', 'mipsel', 'mips64', 'mipsel64', 'mips64n32', 'mipsel64n32', 'ppc', 'ppc64', 'ppc64le', 'riscv64', 's390', 's390x', 'parisc', 'parisc64']);

const endianOf = (p: Profile): Endian => ARCHES[p.arches?.[0] ?? NATIVE].endian;

/**
 * The compiler's program for `profile`; an arch it refuses (a feature it lacks) is dropped
 * and the rest compiled, so one gap does not hide the other arches. Other refusals throw.
 */
function compileDropping(profile: Profile, refused: string[], label: string): { profile: Profile; bytes: Uint8Array } | undefined {
  let p = profile;
  for (;;) {
    try {
      return { profile: p, bytes: compileProfileBpf(p, { nativeArch: NATIVE }).bytes };
    } catch (err) {
      if (!(err instanceof CompileError) || err.reason !== 'unsupported' || !err.arch || !p.arches?.includes(err.arch)) throw err;
      refused.push(`${label}: ${err.arch} (${err.reason}/${err.feature})`);
      p = { ...p, arches: p.arches.filter((a) => a !== err.arch) };
      if (!p.arches!.length) return undefined;
    }
  }
}

/** Docker's default, for each distinct arch set of its archMap. */
export function dockerCases(side: LibseccompSide): PresetCases {
  const out: PresetCases = { cases: [], refused: [], dropped: [] };
  const archMap = DOCKER_DEFAULT_PROFILE.archMap ?? [];
  const seen = new Set<string>();
  for (const entry of archMap) {
    const arch = Object.values(ARCHES).find((a) => a.oci === entry.architecture)?.name;
    if (!arch || !KNOWN_TO_25.has(arch)) continue;
    const { profile: full } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch });
    const key = [...(full.arches ?? [])].sort().join('+');
    if (seen.has(key)) continue;
    seen.add(key);
    const { profile, dropped } = trimToLibrary(side, full);
    out.dropped.push(...dropped.map((n) => `${key}: ${n}`));
    const built = compileDropping(profile, out.refused, `Docker's default [${key}]`);
    if (!built) continue;
    out.cases.push({
      name: `Docker's default [${built.profile.arches!.join(', ')}]`,
      profile: built.profile,
      ours: built.bytes,
      theirs: libseccompProgram(side, built.profile),
      endian: endianOf(built.profile),
    });
  }
  return out;
}

const PRESETS = ['node', 'bun', 'deno', 'docker-default'] as const;
/** The options that change what the filters hold (logDenials changes only how they load). */
const VARIANTS: readonly (LockdownOptions & { label: string })[] = [
  { label: 'defaults' }, { label: 'readOnlyFs', readOnlyFs: true }, { label: 'killProcess', action: 'killProcess' },
  { label: 'dryRun', dryRun: true }, { label: 'allow @network-io, deny @timer', allow: ['@network-io'], deny: ['@timer'] },
];

function optionsOf(preset: string, variant: LockdownOptions & { label: string }): LockdownOptions {
  const { label: _label, ...options } = variant;
  return { ...options, preset: preset as LockdownOptions['preset'] };
}

/** lockdown()'s two programs on this machine's arch, from compileLockdown() with each compiler. */
function nativeLockdown(side: LibseccompSide, preset: string, variant: LockdownOptions & { label: string }): PresetCase[] {
  const options = optionsOf(preset, variant);
  const theirs = decodeLockdownBpf(side.compileLockdown({ ...options, via: 'libseccomp' }));
  const ours = decodeLockdownBpf(side.compileLockdown({ ...options, via: 'typescript' }));
  const plan = planLockdown(resolveLockdownOptions(options, 'node'), NATIVE);
  return [plan.argumentFilter, plan.mainFilter].map((profile, i) => ({
    name: `lockdown ${preset} (${variant.label}) ${i ? 'main' : 'argument'} filter [${NATIVE}]`,
    profile,
    ours: ours.programs[i]!,
    theirs: theirs.programs[i]!,
    endian: 'little',
  }));
}

/** The same plan for another arch, each filter built here by both compilers. */
function foreignLockdown(side: LibseccompSide, preset: string, variant: LockdownOptions & { label: string }, arch: ArchName, dropped: string[]): PresetCase[] {
  const plan = planLockdown(resolveLockdownOptions(optionsOf(preset, variant), 'node'), arch);
  return [plan.argumentFilter, plan.mainFilter].map((full, i) => {
    const { profile, dropped: names } = trimToLibrary(side, full);
    dropped.push(...names.map((n) => `lockdown ${preset} [${arch}]: ${n}`));
    return {
      name: `lockdown ${preset} (${variant.label}) ${i ? 'main' : 'argument'} filter [${arch}]`,
      profile,
      ours: compileProfileBpf(profile, { nativeArch: NATIVE }).bytes,
      theirs: libseccompProgram(side, profile),
      endian: ARCHES[arch].endian,
    };
  });
}

/** The other arch lockdown() is checked on: aarch64 from anywhere else, x86_64 from aarch64. */
const FOREIGN: ArchName = NATIVE === 'aarch64' ? 'x86_64' : 'aarch64';

export function lockdownCases(side: LibseccompSide): PresetCases {
  const out: PresetCases = { cases: [], refused: [], dropped: [] };
  for (const preset of PRESETS) {
    for (const variant of VARIANTS) {
      out.cases.push(...nativeLockdown(side, preset, variant), ...foreignLockdown(side, preset, variant, FOREIGN, out.dropped));
    }
  }
  out.dropped = [...new Set(out.dropped)];
  return out;
}

/**
 * lockdown() writes its pid into every comparison with the placeholder just before loading;
 * both programs bound to one pid, with the rules saying that pid, are compared too.
 */
export function boundToPid(c: PresetCase, pid: number): PresetCase | undefined {
  const uses = (c.profile.rules ?? []).some((r) => r.conditions?.some((k) => k.value === BigInt(SELF_PID_PLACEHOLDER)));
  if (!uses || c.endian !== 'little') return undefined;
  const rules = c.profile.rules.map((r) => ({ ...r, conditions: r.conditions?.map((k) => (k.value === BigInt(SELF_PID_PLACEHOLDER) ? { ...k, value: BigInt(pid) } : k)) }));
  return { ...c, name: `${c.name} bound to pid ${pid}`, profile: { ...c.profile, rules }, ours: bindSelfPid(c.ours, pid), theirs: bindSelfPid(c.theirs, pid) };
}
