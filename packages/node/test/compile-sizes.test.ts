// Program sizes and longest paths, the TypeScript compiler beside libseccomp, for Docker's
// default and lockdown's two filters; and their verdicts for every syscall number with edge
// arguments. Printed, and asserted to be no larger than libseccomp's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compile, DOCKER_DEFAULT_PROFILE, formatAction, kernelAction, prepare, resolveOci, runPrepared,
  syscallName, syscallNames, syscallResolveName, type ArchName, type Profile,
} from '../src/index.js';
import { planLockdown, resolveLockdownOptions, ARCHES, nativeArch } from '@seccomp/core/internal';

/** libseccomp's native arch here (a profile without arches is for it). */
const NATIVE = nativeArch();
import { compileProfileBpf } from '../../core/src/compile/index.js';

const EDGES = [0n, 1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0xffffffffffffff9cn, 0xffffffffffffffffn];

function numbers(arches: readonly ArchName[]): { arch: ArchName; nr: number }[] {
  const out: { arch: ArchName; nr: number }[] = [];
  for (const arch of arches) {
    const base = arch === 'x32' ? 0x40000000 : 0;
    for (let nr = 0; nr < 600; nr++) out.push({ arch, nr: base + nr });
    out.push({ arch, nr: 0xffffffff }, { arch, nr: 0x40000000 + 7 });
  }
  return out;
}

function compare(name: string, profile: Profile): void {
  const arches: ArchName[] = profile.arches?.length ? [...profile.arches] : [NATIVE];
  const ours = compileProfileBpf(profile, { nativeArch: NATIVE });
  const theirs = compile(profile, { via: 'libseccomp' });
  const endian = ARCHES[arches[0]!].endian;
  const a = prepare(ours.bytes, endian);
  const b = prepare(theirs, endian);
  let longest = [0, 0];
  let calls = 0;
  const diffs: string[] = [];
  const newer = new Set<string>();
  for (const { arch, nr } of numbers(arches)) {
    const audit = ARCHES[arch].auditArch;
    for (const v of EDGES) {
      const args = [v, v, v, v, v, v];
      const va = runPrepared(a, nr, audit, args);
      const vb = runPrepared(b, nr, audit, args);
      calls++;
      // A syscall the loaded libseccomp lacks on this arch (older table): its path leaves the rule out.
      const known = syscallName(nr, arch);
      if (known !== undefined && syscallResolveName(known, arch) < 0 && va !== vb) {
        newer.add(known);
        continue;
      }
      if (formatAction(kernelAction(va)) !== formatAction(kernelAction(vb)) && diffs.length < 5) {
        diffs.push(`${arch} nr=0x${nr.toString(16)} arg=0x${v.toString(16)}: ours ${formatAction(kernelAction(va))}, libseccomp ${formatAction(kernelAction(vb))}`);
      }
    }
    longest = [Math.max(longest[0]!, pathLength(ours.bytes, arch, nr)), Math.max(longest[1]!, pathLength(theirs, arch, nr))];
  }
  console.log(`${name} [${arches.join(', ')}]: ${ours.program.length} instructions (longest path ${longest[0]}) vs libseccomp's ${theirs.length / 8} (longest path ${longest[1]}); ${calls} calls compared${newer.size ? `; differing only on syscalls this libseccomp does not know: ${[...newer].join(', ')}` : ''}`);
  assert.deepEqual(diffs, [], name);
  // The compiler beats libseccomp on all four today; keep it that way.
  assert.ok(ours.program.length <= theirs.length / 8, `${name}: ${ours.program.length} instructions, libseccomp ${theirs.length / 8}`);
  assert.ok(longest[0]! <= longest[1]!, `${name}: longest path ${longest[0]}, libseccomp ${longest[1]}`);
}

import { emulate } from '../src/index.js';
function pathLength(bytes: Uint8Array, arch: ArchName, nr: number): number {
  return emulate(bytes, { arch, syscall: nr, args: [0xffffffffffffff9cn, 1, 2, 3, 4, 5] }).instructions;
}

/** The profile on `arches`, keeping the names those arches have (the rest name i386 calls). */
function only(profile: Profile, arches: ArchName[]): Profile {
  const known = new Set<string>(arches.flatMap((a) => syscallNames(a)));
  const rules = profile.rules
    .map((r) => ({ ...r, syscalls: r.syscalls.filter((s) => typeof s !== 'string' || known.has(s)) }))
    .filter((r) => r.syscalls.length > 0);
  return { ...profile, arches, rules };
}

test("Docker's default, native-only, with x32, and with x86 and x32: sizes beside libseccomp's, same verdicts", () => {
  const { profile } = resolveOci(DOCKER_DEFAULT_PROFILE, { arch: 'x86_64' });
  compare("Docker's default", only(profile, ['x86_64']));
  compare("Docker's default", only(profile, ['x86_64', 'x32']));
  // As Docker loads it: x86 too, with its socket calls on socketcall(2) and their own numbers.
  compare("Docker's default", only(profile, ['x86_64', 'x86', 'x32']));
});

test("lockdown's two filters (node preset): sizes beside libseccomp's, same verdicts", () => {
  const plan = planLockdown(resolveLockdownOptions(undefined, 'node'), NATIVE);
  compare('lockdown main filter', plan.mainFilter);
  compare('lockdown argument filter', plan.argumentFilter);
});
