/**
 * Compile group, child side: a profile (JSON the runner wrote) to BPF bytes, nothing loaded.
 * One sample per process, so every sample pays what a first compile pays (cold JIT, lazy
 * tables). Phases, each timed separately:
 *   typescript   validate: validateProfile + the conflict check (what compile() does first);
 *                compile: the SDK's compiler (compileProgram), profile → bytes
 *   libseccomp   open: dlopen + binding; validate: as above; build: buildFilter (seccomp_init,
 *                attributes, arches, one rule_add per syscall); gen: exportBpf (libseccomp
 *                generates into a memory file, read back); release: seccomp_release
 * Then the same once more in the same process (…Warm), which separates the cost of cold
 * JavaScript from the compiler's own. Reading and parsing the profile is not timed. The
 * result carries the program's hex, which the runner compares with the checked bytes.
 */
import type { Profile } from '@seccomp/core';
import type { Kit } from '../kit.js';
import { nowNs } from '../kit.js';

export type CompilerVia = 'typescript' | 'libseccomp';

export interface CompilerParams {
  /** The profile, as profileToJSON wrote it. */
  file: string;
  via: CompilerVia;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function readProfile(kit: Kit, file: string): Profile {
  return kit.sdk.profileFromJSON(JSON.parse(new TextDecoder().decode(kit.readFile(file))));
}

function typescriptSample(kit: Kit, profile: Profile): Record<string, number | string> {
  const sdk = kit.sdk;
  const nativeArch = sdk.nativeArch();
  const t0 = nowNs();
  const valid = sdk.validateProfile(profile);
  sdk.assertNoConflicts(valid);
  const t1 = nowNs();
  const { bytes } = sdk.compileProgram(valid, { nativeArch });
  const t2 = nowNs();
  sdk.compileProgram(valid, { nativeArch });
  const t3 = nowNs();
  return { validate: t1 - t0, compile: t2 - t1, compileWarm: t3 - t2, hex: hex(bytes) };
}

function libseccompSample(kit: Kit, profile: Profile): Record<string, number | string> {
  const sdk = kit.sdk;
  const { seccomp } = sdk;
  const t0 = nowNs();
  seccomp.libraryVersion();
  const t1 = nowNs();
  const nativeArch = sdk.nativeArch();
  const options = { nativeArch, libraryKnows: (name: string) => sdk.nativeOf(seccomp).libraryKnows(name) };
  const make: Parameters<typeof sdk.buildFilter>[0] = (d, o) => new seccomp.SyscallFilter(d, o);
  const valid = sdk.validateProfile(profile);
  sdk.assertNoConflicts(valid);
  const t2 = nowNs();
  const filter = sdk.buildFilter(make, valid, options);
  const t3 = nowNs();
  const bytes = filter.exportBpf();
  const t4 = nowNs();
  filter.release();
  const t5 = nowNs();
  const again = sdk.buildFilter(make, valid, options);
  const t6 = nowNs();
  again.exportBpf();
  const t7 = nowNs();
  again.release();
  const t8 = nowNs();
  return {
    open: t1 - t0, validate: t2 - t1, build: t3 - t2, gen: t4 - t3, release: t5 - t4,
    buildWarm: t6 - t5, genWarm: t7 - t6, releaseWarm: t8 - t7, hex: hex(bytes),
  };
}

export function compilerSample(kit: Kit, params: CompilerParams): Record<string, number | string> {
  const profile = readProfile(kit, params.file);
  return params.via === 'typescript' ? typescriptSample(kit, profile) : libseccompSample(kit, profile);
}

/** The check before timing: every profile through both compilers, as hex, in the order given. */
export function compilerCheck(kit: Kit, params: { files: string[] }): Record<CompilerVia, string[]> {
  const sdk = kit.sdk;
  const profiles = params.files.map((file) => readProfile(kit, file));
  return {
    typescript: profiles.map((p) => hex(sdk.compileProgram(sdk.validateProfile(p), { nativeArch: sdk.nativeArch() }).bytes)),
    libseccomp: profiles.map((p) => hex(sdk.seccomp.compile(p, { via: 'libseccomp' }))),
  };
}
