// Names resolved on the target arch directly give what libseccomp's translation through the
// native arch's number gives (arch.c arch_syscall_translate), for every name and arch pair.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCH_NAMES, type ArchName } from '../src/arch.js';
import { resolveSyscallRaw, syscallName } from '../src/syscalls/index.js';
import { resolveOnArch } from '../src/syscalls/lookup.js';
import { NUMBER_ALIASES, SYSCALL_NAMES } from '../src/syscalls/table.generated.js';

/** arch.c's translation as placement.ts did it: resolve on the native arch, name the number, resolve that name. */
function translated(name: string, arch: ArchName, native: ArchName): number | undefined {
  const onNative = resolveSyscallRaw(name, native);
  if (onNative === -1 || arch === native) return onNative;
  const back = syscallName(onNative, native);
  return back === undefined ? undefined : resolveSyscallRaw(back, arch);
}

test('resolveOnArch: every name, from every native arch to every arch, as the translation through the native number', () => {
  let checked = 0;
  for (const native of ARCH_NAMES) {
    for (const arch of ARCH_NAMES) {
      for (const name of SYSCALL_NAMES) {
        assert.equal(resolveOnArch(name, arch, native), translated(name, arch, native), `${name}: ${native} → ${arch}`);
        checked++;
      }
    }
  }
  assert.equal(checked, ARCH_NAMES.length ** 2 * SYSCALL_NAMES.length);
});

test('NUMBER_ALIASES lists exactly the names whose number names another one back', () => {
  for (const arch of ARCH_NAMES) {
    const expected: Record<number, number> = {};
    SYSCALL_NAMES.forEach((name, i) => {
      const back = syscallName(resolveSyscallRaw(name, arch), arch);
      if (back !== name) expected[i] = SYSCALL_NAMES.indexOf(back!);
    });
    assert.deepEqual({ ...NUMBER_ALIASES[arch] }, expected, arch);
  }
  // The one alias libseccomp's tables have today: two names sharing pseudo number -10191.
  assert.equal(resolveOnArch('sys_debug_setcontext', 'ppc64le', 'x86_64'), resolveSyscallRaw('switch_endian', 'ppc64le'));
  assert.equal(resolveOnArch('sys_debug_setcontext', 'ppc64le', 'ppc'), resolveSyscallRaw('sys_debug_setcontext', 'ppc64le'));
});
