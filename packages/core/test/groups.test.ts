import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ARCH_NAMES, type ArchName } from '../src/arch.js';
import { UnknownSyscallError } from '../src/errors.js';
import {
  SyscallGroupCycleError, UnknownSyscallGroupError, expandGroup, expandSyscallSpecs, isSyscallGroupName, listGroups,
} from '../src/groups/index.js';
import { collectGroup, type GroupTable } from '../src/groups/expand.js';
import * as core from '../src/internal.js';
import { isSyscallName, syscallNames } from '../src/syscalls/index.js';
import { GROUPS_DOC, renderGroupsDoc } from '../scripts/groups-doc.js';

const MAIN: readonly ArchName[] = ['x86_64', 'aarch64'];
const groups = listGroups();
const names = groups.map((g) => g.name);

/** syscallNames is typed with SyscallName; tests ask about arbitrary strings. */
const namesOn = (arch: ArchName): ReadonlySet<string> => new Set(syscallNames(arch));

// Groups for x86 hardware interfaces (I/O ports, the LDT, vm86) that arm64 has no syscall for.
const X86_ONLY = new Set(['@cpu-emulation', '@raw-io']);

function includesAll(set: readonly string[], wanted: readonly string[], what: string): void {
  const missing = wanted.filter((n) => !set.includes(n));
  assert.deepEqual(missing, [], `${what} lacks ${missing.join(', ')}`);
}

test('the groups named in the lockdown design (and @known, @memlock after systemd) all exist, and core exports the API', () => {
  // prettier-ignore
  const expected = [
    '@aio', '@basic-io', '@chown', '@clock', '@cpu-emulation', '@debug', '@default', '@file-system',
    '@io-event', '@ipc', '@keyring', '@known', '@memlock', '@memory', '@module', '@mount', '@network-io', '@obsolete', '@pkey',
    '@privileged', '@process', '@raw-io', '@reboot', '@resources', '@sandbox', '@setuid', '@signal',
    '@swap', '@sync', '@system-service', '@timer',
  ];
  assert.deepEqual(names, expected);
  assert.equal(core.expandGroup, expandGroup);
  assert.equal(core.expandSyscallSpecs, expandSyscallSpecs);
  assert.equal(core.listGroups, listGroups);
  for (const g of groups) {
    assert.ok(isSyscallGroupName(g.name));
    assert.ok(g.description.length > 10, `${g.name} has a description`);
  }
  assert.equal(isSyscallGroupName('@nope'), false);
  assert.equal(isSyscallGroupName('toString'), false);
});

test('every member is a known syscall or group, each list is sorted with nested groups first', () => {
  for (const g of groups) {
    for (const m of g.members) {
      if (m.startsWith('@')) assert.ok(isSyscallGroupName(m), `${g.name} nests unknown group ${m}`);
      else assert.ok(isSyscallName(m), `${g.name} lists unknown syscall ${m}`);
      if (!m.startsWith('@')) assert.ok(ARCH_NAMES.some((a) => namesOn(a).has(m) || expandGroup(g.name, a).includes(m)), `${m} exists on no arch`);
    }
    const nested = g.members.filter((m) => m.startsWith('@'));
    const plain = g.members.filter((m) => !m.startsWith('@'));
    assert.deepEqual(g.members, [...nested.sort(), ...plain.sort()], `${g.name} members are sorted, groups first`);
    assert.equal(new Set(g.members).size, g.members.length, `${g.name} has no duplicates`);
  }
});

test('listGroups hands out copies that cannot change the tables', () => {
  const a = listGroups();
  a.pop();
  assert.equal(listGroups().length, names.length);
  assert.throws(() => (a[0]!.members as string[]).push('read'), TypeError);
});

test('every group expands, sorted and deduplicated, to names the arch has', () => {
  for (const arch of MAIN) {
    const have = namesOn(arch);
    for (const g of groups) {
      const members = expandGroup(g.name, arch);
      if (arch === 'aarch64' && X86_ONLY.has(g.name)) assert.deepEqual(members, [], `${g.name} on ${arch}`);
      else assert.ok(members.length > 0, `${g.name} is empty on ${arch}`);
      assert.deepEqual(members, [...new Set(members)].sort(), `${g.name} on ${arch}`);
      for (const m of members) assert.ok(have.has(m), `${g.name} on ${arch} yields ${m}`);
    }
  }
  // Every arch expands every group without error.
  for (const arch of ARCH_NAMES) for (const g of names) expandGroup(g, arch);
});

test('arch filtering: aarch64 has no open, x86 keeps socket and IPC names behind the multiplexers', () => {
  assert.ok(expandGroup('@file-system', 'x86_64').includes('open'));
  assert.ok(!expandGroup('@file-system', 'aarch64').includes('open'));
  assert.ok(expandGroup('@file-system', 'aarch64').includes('openat'));
  const net = expandGroup('@network-io', 'x86');
  includesAll(net, ['socketcall', 'recv', 'send', 'socket', 'accept'], '@network-io on x86');
  assert.ok(!expandGroup('@network-io', 'x86_64').includes('socketcall'));
  includesAll(expandGroup('@ipc', 'x86'), ['ipc', 'semop', 'shmat', 'msgsnd'], '@ipc on x86');
  assert.ok(!expandGroup('@ipc', 'aarch64').includes('ipc'));
});

test('nesting: a group contains the groups it names, and the result is a flat syscall list', () => {
  for (const arch of MAIN) {
    for (const g of groups) {
      const all = expandGroup(g.name, arch);
      assert.ok(all.every((n) => !n.startsWith('@')));
      for (const inner of g.members.filter((m) => m.startsWith('@'))) includesAll(all, expandGroup(inner, arch), `${g.name} on ${arch}`);
    }
  }
  // A diamond (two paths to one group) expands once; a table without cycles is not a cycle.
  const diamond: GroupTable = {
    '@top': { description: '', members: ['@left', '@right'] },
    '@left': { description: '', members: ['@base', 'read'] },
    '@right': { description: '', members: ['@base', 'write'] },
    '@base': { description: '', members: ['close'] },
  };
  assert.deepEqual([...collectGroup(diamond, '@top', () => true)].sort(), ['close', 'read', 'write']);
});

test('a nesting cycle throws instead of recursing', () => {
  const table: GroupTable = {
    '@a': { description: '', members: ['read', '@b'] },
    '@b': { description: '', members: ['write', '@c'] },
    '@c': { description: '', members: ['@a'] },
    '@self': { description: '', members: ['@self'] },
    '@broken': { description: '', members: ['@missing'] },
  };
  assert.throws(() => collectGroup(table, '@a', () => true), (e: unknown) => {
    assert.ok(e instanceof SyscallGroupCycleError);
    assert.deepEqual(e.path, ['@a', '@b', '@c', '@a']);
    assert.match(e.message, /@a → @b → @c → @a/);
    return true;
  });
  assert.throws(() => collectGroup(table, '@c', () => true), SyscallGroupCycleError);
  assert.throws(() => collectGroup(table, '@self', () => true), SyscallGroupCycleError);
  assert.throws(() => collectGroup(table, '@broken', () => true), /"@broken" includes "@missing"/);
});

test('specs are read left to right: ~ removes only what came before it', () => {
  const arch = 'x86_64';
  const fs = expandGroup('@file-system', arch);
  assert.deepEqual(expandSyscallSpecs(['@file-system', '~unlink'], arch), fs.filter((n) => n !== 'unlink'));
  assert.deepEqual(expandSyscallSpecs(['~unlink', '@file-system'], arch), fs);
  assert.deepEqual(expandSyscallSpecs(['@file-system', '~unlink', 'unlink'], arch), fs);
  const privileged = expandGroup('@privileged', arch);
  assert.deepEqual(
    expandSyscallSpecs(['@privileged', '~@mount', 'pivot_root'], arch),
    [...privileged.filter((n) => !expandGroup('@mount', arch).includes(n)), 'pivot_root'].sort(),
  );
  assert.deepEqual(expandSyscallSpecs(['write', 'read', 'read', 'close'], arch), ['close', 'read', 'write']);
  assert.deepEqual(expandSyscallSpecs([], arch), []);
  assert.deepEqual(expandSyscallSpecs(['~read'], arch), []);
  // A real syscall the arch lacks drops out, as it does from a group.
  assert.deepEqual(expandSyscallSpecs(['open', 'openat'], 'aarch64'), ['openat']);
  assert.deepEqual(expandSyscallSpecs(['@system-service'], 'aarch64'), expandGroup('@system-service', 'aarch64'));
});

test('unknown groups and syscalls throw typed errors with suggestions', () => {
  assert.throws(() => expandGroup('@fil-system', 'x86_64'), (e: unknown) => {
    assert.ok(e instanceof UnknownSyscallGroupError && e instanceof RangeError);
    assert.equal(e.group, '@fil-system');
    assert.equal(e.suggestions[0], '@file-system');
    assert.match(e.message, /Did you mean "@file-system"/);
    return true;
  });
  assert.throws(() => expandSyscallSpecs(['~@fil-system'], 'x86_64'), UnknownSyscallGroupError);
  assert.throws(() => expandGroup('file-system', 'x86_64'), /Did you mean "@file-system"/);
  assert.throws(() => expandGroup('@toString', 'x86_64'), UnknownSyscallGroupError);
  assert.throws(() => expandSyscallSpecs(['@default', 'mkdri'], 'x86_64'), (e: unknown) => {
    assert.ok(e instanceof UnknownSyscallError);
    assert.equal(e.syscall, 'mkdri');
    assert.ok(e.suggestions.includes('mkdir'));
    return true;
  });
  assert.throws(() => expandSyscallSpecs(['~mkdri'], 'x86_64'), UnknownSyscallError);
  assert.throws(() => expandSyscallSpecs([42 as unknown as string], 'x86_64'), TypeError);
  assert.throws(() => expandSyscallSpecs('read' as unknown as string[], 'x86_64'), TypeError);
  assert.throws(() => expandGroup('@default', 'vax' as ArchName), RangeError);
});

test('the groups a lockdown denies hold the dangerous calls', () => {
  const must: Record<string, string[]> = {
    '@debug': ['ptrace', 'process_vm_readv', 'process_vm_writev', 'perf_event_open'],
    '@mount': ['mount', 'umount2', 'pivot_root', 'fsopen', 'fsmount', 'move_mount', 'open_tree'],
    '@module': ['init_module', 'finit_module', 'delete_module'],
    '@reboot': ['reboot', 'kexec_load', 'kexec_file_load'],
    '@swap': ['swapon', 'swapoff'],
    '@aio': ['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
    '@process': ['execve', 'execveat', 'fork', 'vfork', 'clone', 'clone3'],
    '@privileged': ['chroot'],
    '@sandbox': ['seccomp', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self'],
  };
  for (const arch of MAIN) {
    for (const [group, calls] of Object.entries(must)) {
      // aarch64 has no fork or vfork (glibc uses clone); everything else is on both.
      const here = calls.filter((c) => namesOn(arch).has(c));
      if (arch === 'x86_64') assert.deepEqual(here, calls, `all of ${group}'s must-haves exist on x86_64`);
      includesAll(expandGroup(group, arch), here, `${group} on ${arch}`);
    }
    const privileged = expandGroup('@privileged', arch);
    for (const inner of ['@module', '@mount', '@swap', '@reboot']) includesAll(privileged, expandGroup(inner, arch), `@privileged on ${arch}`);
    // A service set must not quietly include what a lockdown takes away.
    const service = expandGroup('@system-service', arch);
    for (const risky of ['@debug', '@mount', '@module', '@reboot', '@swap', '@privileged', '@sandbox', '@obsolete']) {
      const overlap = expandGroup(risky, arch).filter((n) => service.includes(n));
      assert.deepEqual(overlap, [], `@system-service on ${arch} overlaps ${risky}`);
    }
  }
  // @default is small and safe: nothing from the denied groups.
  const base = expandGroup('@default', 'x86_64');
  for (const call of ['execve', 'ptrace', 'mount', 'seccomp', 'setuid', 'socket']) assert.ok(!base.includes(call), call);
});

test('docs/groups.md is what scripts/groups-doc.ts generates', () => {
  const onDisk = readFileSync(GROUPS_DOC, 'utf8');
  assert.ok(onDisk === renderGroupsDoc(), 'docs/groups.md is stale: run `npx tsx scripts/groups-doc.ts` in packages/core');
  for (const g of names) assert.ok(onDisk.includes(`## ${g}\n`), g);
});
