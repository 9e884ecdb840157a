import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ARCH_NAMES, archInfo, nativeArch, type ArchName } from '../src/arch.js';
import { UnknownSyscallError } from '../src/errors.js';
import {
  IPC_CALLS, SOCKETCALL_CALLS, SYSCALL_TABLE_KERNEL, X32_SYSCALL_BIT, isMultiplexedName, isSyscallName,
  resolveSyscall, resolveSyscallRaw, resolveSyscallRewrite, suggestSyscalls, syscallKernelVersion,
  syscallName, syscallNames,
} from '../src/syscalls/index.js';
import { editDistance } from '../src/suggest.js';
import { SYSCALL_NAMES } from '../src/syscalls/table.generated.js';
import { generateAll, staleFiles } from '../scripts/gen.js';

const ARCHES = [...ARCH_NAMES];

// `scmp_sys_resolver -t` of libseccomp 2.6.1 for these names, in ARCH_NAMES order:
// x86 x86_64 x32 arm aarch64 loongarch64 m68k mips mipsel mips64 mipsel64 mips64n32
// mipsel64n32 parisc parisc64 ppc ppc64 ppc64le riscv64 s390 s390x sh sheb.
const X32 = X32_SYSCALL_BIT;
// prettier-ignore
const REWRITE: Record<string, number[]> = {
  open:       [5, 2, X32 + 2, 5, -10166, -10166, 5, 4005, 4005, 5002, 5002, 6002, 6002, 5, 5, 5, 5, 5, -10166, 5, 5, 5, 5],
  read:       [3, 0, X32, 3, 63, 63, 3, 4003, 4003, 5000, 5000, 6000, 6000, 3, 3, 3, 3, 3, 63, 3, 3, 3, 3],
  socket:     [102, 41, X32 + 41, 281, 198, 198, 102, 4102, 4102, 5040, 5040, 6040, 6040, 17, 17, 102, 102, 102, 198, 102, 102, 102, 102],
  accept4:    [102, 288, X32 + 288, 366, 242, 242, 102, 4102, 4102, 5293, 5293, 6297, 6297, 320, 320, 102, 102, 102, 242, 102, 102, 102, 102],
  semop:      [117, 65, X32 + 65, 298, 193, 193, 117, 4117, 4117, 5063, 5063, 6063, 6063, 185, 185, 117, 117, 117, 193, 117, 117, 117, 117],
  shmctl:     [117, 31, X32 + 31, 308, 195, 195, 117, 4117, 4117, 5030, 5030, 6030, 6030, 195, 195, 117, 117, 117, 195, 117, 117, 117, 117],
  mmap:       [90, 9, X32 + 9, -10181, 222, 222, 90, 4090, 4090, 5009, 5009, 6009, 6009, 90, 90, 90, 90, 90, 222, 90, 90, 90, 90],
  ipc:        [117, -10024, -10024, -10024, -10024, -10024, 117, 4117, 4117, -10024, -10024, -10024, -10024, -10024, -10024, 117, 117, 117, -10024, 117, 117, 117, 117],
  socketcall: [102, -10060, -10060, -10060, -10060, -10060, 102, 4102, 4102, -10060, -10060, -10060, -10060, -10060, -10060, 102, 102, 102, -10060, 102, 102, 102, 102],
  access:     [33, 21, X32 + 21, 33, -10147, -10147, 33, 4033, 4033, 5020, 5020, 6020, 6020, 33, 33, 33, 33, 33, -10147, 33, 33, 33, 33],
  rt_sigaction: [174, 13, X32 + 512, 174, 134, 134, 174, 4194, 4194, 5013, 5013, 6013, 6013, 174, 174, 173, 173, 173, 134, 174, 174, 174, 174],
};

test('spot values', () => {
  assert.equal(resolveSyscall('openat', 'x86_64'), 257);
  assert.equal(resolveSyscall('openat', 'aarch64'), 56);
  assert.equal(resolveSyscall('close', 'aarch64'), 57);
  assert.equal(resolveSyscall('openat', nativeArch()), resolveSyscall('openat'));
  assert.equal(SYSCALL_NAMES.length, 508);
  assert.equal(SYSCALL_TABLE_KERNEL, '7.1.0-rc4');
});

test('resolveSyscallRewrite matches scmp_sys_resolver -t on every arch', () => {
  for (const [name, want] of Object.entries(REWRITE)) {
    assert.deepEqual(ARCHES.map((a) => resolveSyscallRewrite(name, a)), want, name);
  }
});

test('x86 socket calls: direct number, pseudo number, multiplexer', () => {
  assert.equal(resolveSyscall('socket', 'x86'), 359);
  assert.equal(resolveSyscallRaw('socket', 'x86'), -101);
  assert.equal(resolveSyscallRewrite('socket', 'x86'), 102);
  assert.equal(resolveSyscall('accept4', 'x86'), 364);
  assert.equal(resolveSyscallRewrite('accept4', 'x86'), 102);
  // x86 has no direct accept: every form is the pseudo number or socketcall
  assert.equal(resolveSyscall('accept', 'x86'), -105);
  assert.equal(resolveSyscallRaw('semop', 'x86'), -201);
  assert.equal(resolveSyscallRewrite('semop', 'x86'), 117);
  assert.equal(resolveSyscallRaw('socketcall', 'x86'), 102);
  // arches without socketcall(2) resolve the same three ways
  assert.equal(resolveSyscallRaw('socket', 'x86_64'), 41);
  assert.equal(resolveSyscallRewrite('socket', 'aarch64'), 198);
});

test('pseudo numbers where the arch lacks the syscall', () => {
  assert.equal(resolveSyscall('open', 'aarch64'), -10166);
  assert.equal(resolveSyscallRaw('open', 'aarch64'), -10166);
  assert.equal(resolveSyscallRaw('arch_prctl', 'arm'), -10001);
  assert.equal(resolveSyscall('breakpoint', 'arm'), 0x0f0001);
});

test('socketcall and ipc call numbers line up with libseccomp pseudo numbers', () => {
  assert.equal(Object.keys(SOCKETCALL_CALLS).length, 20);
  assert.equal(Object.keys(IPC_CALLS).length, 12);
  for (const [name, call] of Object.entries(SOCKETCALL_CALLS)) assert.equal(resolveSyscallRaw(name, 'ppc'), -(100 + call), name);
  for (const [name, call] of Object.entries(IPC_CALLS)) assert.equal(resolveSyscallRaw(name, 's390x'), -(200 + call), name);
  assert.ok(isMultiplexedName('recvmmsg') && isMultiplexedName('shmdt'));
  assert.ok(!isMultiplexedName('socketcall') && !isMultiplexedName('ipc') && !isMultiplexedName('toString'));
});

test('x32 numbers carry the X32 bit', () => {
  assert.equal(resolveSyscall('read', 'x32'), 0x40000000);
  assert.equal(resolveSyscall('openat', 'x32'), 0x40000000 + 257);
  assert.equal(resolveSyscall('rt_sigaction', 'x32'), 0x40000000 + 512);
  assert.equal(resolveSyscall('open', 'aarch64'), -10166);
  assert.equal(syscallName(0x40000000 + 257, 'x32'), 'openat');
  assert.equal(syscallName(257, 'x32'), 'openat');
});

test('MIPS numbers include the ABI base', () => {
  assert.equal(resolveSyscall('read', 'mips'), 4003);
  assert.equal(resolveSyscall('read', 'mipsel64'), 5000);
  assert.equal(resolveSyscall('read', 'mipsel64n32'), 6000);
  assert.equal(syscallName(4005, 'mipsel'), 'open');
  assert.equal(syscallName(5, 'mips'), undefined);
});

test('unknown names throw UnknownSyscallError with suggestions', () => {
  assert.throws(() => resolveSyscall('opnat', 'x86_64'), (err: unknown) => {
    assert.ok(err instanceof UnknownSyscallError);
    assert.equal(err.syscall, 'opnat');
    assert.equal(err.arch, 'x86_64');
    assert.equal(err.suggestions[0], 'openat');
    assert.match(err.message, /Did you mean "openat"/);
    return true;
  });
  assert.throws(() => resolveSyscallRaw('nope_nope_nope', 'x86'), UnknownSyscallError);
  assert.throws(() => resolveSyscallRewrite('42', 'x86'), UnknownSyscallError);
  assert.throws(() => resolveSyscall('openat', 'vax' as ArchName), RangeError);
});

test('suggestions', () => {
  assert.deepEqual(suggestSyscalls('mkdri'), ['mkdir']);
  assert.equal(suggestSyscalls('opnat')[0], 'openat');
  assert.deepEqual(suggestSyscalls('SYS_openat', 1), ['openat']);
  assert.deepEqual(suggestSyscalls('__NR_clone3'), ['clone3']);
  assert.ok(suggestSyscalls('exceve').includes('execve'));
  assert.ok(suggestSyscalls('rt_sigprocmsk').includes('rt_sigprocmask'));
  assert.ok(suggestSyscalls('read', 10).length <= 10);
  assert.deepEqual(suggestSyscalls('zzzzzzzzzzzz'), []);
  assert.equal(editDistance('mkdri', 'mkdir'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('syscallName round-trips every name on every arch', () => {
  for (const arch of ARCHES) {
    for (const name of syscallNames(arch)) assert.equal(syscallName(resolveSyscall(name, arch), arch), name, `${arch} ${name}`);
  }
  assert.equal(syscallNames('x86_64').length, 385);
  assert.equal(syscallNames('aarch64').length, 327);
});

test('syscallName: multiplexers and pseudo numbers', () => {
  assert.equal(syscallName(102, 'x86'), 'socketcall');
  assert.equal(syscallName(359, 'x86'), 'socket');
  assert.equal(syscallName(-101, 'x86'), 'socket');
  assert.equal(syscallName(-101, 'aarch64'), undefined);
  assert.equal(syscallName(-10166, 'aarch64'), 'open');
  assert.equal(syscallName(-10166, 'x86_64'), undefined);
  assert.equal(syscallName(-10191, 'x86_64'), 'switch_endian');
  assert.equal(syscallName(-1, 'x86_64'), undefined);
  assert.equal(syscallName(100000, 'x86_64'), undefined);
  assert.equal(syscallName(1.5, 'x86_64'), undefined);
});

test('syscallNames is sorted and leaves out what the arch lacks', () => {
  const names = syscallNames('aarch64');
  assert.deepEqual([...names].sort(), [...names]);
  assert.ok(names.includes('openat') && !names.includes('open'));
  assert.ok(syscallNames('x86').includes('socket') && syscallNames('x86').includes('socketcall'));
  assert.ok(Object.isFrozen(names));
  assert.deepEqual(syscallNames('mipsel'), syscallNames('mips'));
});

test('isSyscallName and syscallKernelVersion', () => {
  assert.ok(isSyscallName('openat'));
  assert.ok(!isSyscallName('opnat') && !isSyscallName(257) && !isSyscallName('constructor'));
  // libseccomp 2.6.1's table records no kernel versions yet
  assert.equal(syscallKernelVersion('openat', 'x86_64'), undefined);
  assert.throws(() => syscallKernelVersion('opnat', 'x86_64'), UnknownSyscallError);
});

test('every arch has its table', () => {
  for (const arch of ARCHES) assert.ok(syscallNames(arch).length > 300, `${arch} (${archInfo(arch).table})`);
});

test('generated files are up to date (pnpm gen)', async () => {
  assert.deepEqual(staleFiles(await generateAll()), []);
});
