/**
 * Load group, child side: one sample per process, so every sample pays what a real start-up
 * pays (cold JIT, first dlopen). Phases are timed separately:
 *   open   dlopen + binding every symbol (libseccomp and libc; libc alone for loadBpf)
 *   build  what loadProfile does before loading (the same calls as its internal prepare):
 *          validate, check for conflicts, then seccomp_init, attributes, arches and one
 *          rule_add per syscall
 *   gen    seccomp_export_bpf: libseccomp generates the program (copied out via a memfd)
 *   load   seccomp_load: libseccomp generates it again and attaches it (TSYNC)
 *   read / attach   for a precompiled program: read the file, then loadBpf (validate, NNP, seccomp(2))
 * Then the same work once more in the same process (…Warm: build and generate again; attach
 * a second copy of the program), which separates the one-time cost of cold JavaScript (lazy
 * compilation, first calls) from the per-filter cost. The C baseline (native/load.c) runs the
 * same phases with the same calls.
 */
import type { Kit } from '../kit.js';
import { nowNs } from '../kit.js';
import { buildProfile, type ProfileName } from './profiles.js';

export function loadSdkSample(kit: Kit, profileName: ProfileName): Record<string, number> {
  const sdk = kit.sdk;
  const { seccomp } = sdk;
  const t0 = nowNs();
  seccomp.libraryVersion();
  const t1 = nowNs();
  const profile = buildProfile(sdk, profileName);
  let validated = 0;
  const build = () => {
    const v0 = nowNs();
    const valid = sdk.validateProfile(profile);
    sdk.assertNoConflicts(valid);
    validated = nowNs() - v0;
    return sdk.buildFilter((d, o) => new seccomp.SyscallFilter(d, o), valid, {
      nativeArch: sdk.nativeArch(),
      libraryKnows: (name) => sdk.nativeOf(seccomp).libraryKnows(name),
    });
  };
  const t2 = nowNs();
  const filter = build();
  const t3 = nowNs();
  const validate = validated;
  const bpf = filter.exportBpf();
  const t4 = nowNs();
  filter.load();
  const t5 = nowNs();
  filter.release();
  const t6 = nowNs();
  const again = build();
  const t7 = nowNs();
  again.exportBpf();
  const t8 = nowNs();
  again.release();
  return {
    open: t1 - t0, profile: t2 - t1, build: t3 - t2, gen: t4 - t3, load: t5 - t4,
    buildWarm: t7 - t6, genWarm: t8 - t7, instructions: bpf.length / 8,
    // The part of build that is the SDK's own checking (validateProfile, conflicts), cold and warm.
    validate, validateWarm: validated,
  };
}

export function loadBpfSample(kit: Kit, file: string): Record<string, number> {
  const { seccomp } = kit.sdk;
  const t0 = nowNs();
  const bpf = kit.readFile(file);
  const t1 = nowNs();
  void kit.sdk.nativeOf(seccomp).libc; // libc only: the cold-start path needs no libseccomp
  const t2 = nowNs();
  seccomp.loadBpf(bpf);
  const t3 = nowNs();
  seccomp.loadBpf(bpf);
  const t4 = nowNs();
  return { read: t1 - t0, open: t2 - t1, attach: t3 - t2, attachWarm: t4 - t3, instructions: bpf.length / 8 };
}

/**
 * lockdown() in a fresh process, as a server would call it after start-up: through
 * libseccomp (plan, build and generate both filters, guards, attach, verify every thread),
 * or from a program compileLockdown() made earlier (`bpf`: no libseccomp needed).
 */
export function lockdownSample(kit: Kit, params: { preset?: string; bpfFile?: string }): Record<string, number> {
  const { seccomp } = kit.sdk;
  const t0 = nowNs();
  const bpf = params.bpfFile === undefined ? undefined : kit.readFile(params.bpfFile);
  const t1 = nowNs();
  if (bpf) void kit.sdk.nativeOf(seccomp).libc;
  else seccomp.libraryVersion();
  const t2 = nowNs();
  const result = seccomp.lockdown(bpf ? { bpf } : { preset: params.preset as 'docker-default', via: 'libseccomp' });
  const t3 = nowNs();
  return { ...(bpf && { read: t1 - t0 }), open: t2 - t1, lockdown: t3 - t2, threads: result.threads, instructions: result.instructions };
}
