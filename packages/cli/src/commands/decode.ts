/**
 * `seccomp decode`: seccomp audit records → process, syscall name, arch and action. Reads
 * the files named, or a pipe on stdin, or else the kernel log through dmesg.
 */
import { spawnSync } from 'node:child_process';
import { fstatSync, readFileSync } from 'node:fs';
import { formatAction } from '@seccomp/node';
import { flag, stringOpt } from '../args.js';
import type { Command } from '../command.js';
import { SystemError, UsageError } from '../errors.js';
import { EXIT } from '../exit.js';
import { parseRecords, type SeccompRecord } from '../audit-log.js';
import { readBytes } from '../policy.js';
import { plural, table } from '../text.js';

function stdinIsData(): boolean {
  try {
    const st = fstatSync(0);
    return st.isFIFO() || st.isFile() || st.isSocket();
  } catch {
    return false;
  }
}

function readDmesg(): string {
  const r = spawnSync('dmesg', [], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new SystemError(`cannot run dmesg (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); pipe a log in instead: journalctl -k | seccomp decode`);
  if (r.status !== 0) {
    const why = r.stderr.trim().split('\n').pop() ?? `exit status ${r.status}`;
    throw new SystemError(`cannot read the kernel log (${why}); run as root, or pipe a log in: journalctl -k | seccomp decode, ausearch -m SECCOMP | seccomp decode`);
  }
  return r.stdout;
}

function source(files: readonly string[], useDmesg: boolean): { name: string; text: string }[] {
  if (useDmesg) return [{ name: 'dmesg', text: readDmesg() }];
  if (files.length) {
    return files.map((f) => (f === '-' ? { name: 'stdin', text: readFileSync(0, 'utf8') } : { name: f, text: new TextDecoder().decode(readBytes(f)) }));
  }
  return stdinIsData() ? [{ name: 'stdin', text: readFileSync(0, 'utf8') }] : [{ name: 'dmesg', text: readDmesg() }];
}

function when(r: SeccompRecord): string {
  return r.time === undefined ? '' : new Date(r.time * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** The kernel logs the action bits only: an errno record does not say which errno. */
export function recordAction(r: SeccompRecord): string {
  return r.action.kind === 'errno' || r.action.kind === 'trace' ? r.action.kind : formatAction(r.action);
}

function actionCell(r: SeccompRecord): string {
  const a = recordAction(r);
  return r.signal ? `${a} (signal ${r.signal === 31 ? 'SIGSYS' : r.signal})` : a;
}

export const decodeCommand: Command = {
  name: 'decode',
  summary: 'decode seccomp audit records (type=1326) into syscall, arch and action',
  usage: 'seccomp decode [file…|-] [--dmesg] [--pid <pid>]',
  description: `
Finds the kernel's seccomp audit records (type=1326 in dmesg and journalctl -k, type=SECCOMP
in audit.log) and prints, for each, the process, the arch, the syscall by name and the action
the filter took. Input: the files named ("-" is stdin); else stdin when it is a pipe or file;
else the kernel log, read with dmesg.

The kernel logs kill actions and the log action whenever actions_logged lists them; errno,
trap, trace and notify only from a filter loaded with the log flag (profile attribute log,
OCI flag SECCOMP_FILTER_FLAG_LOG). An EPERM that left no record was one of those.`,
  options: {
    dmesg: { type: 'boolean', description: 'read the kernel log even when stdin is a pipe' },
    pid: { type: 'string', value: 'pid', description: 'only records of this process' },
  },
  exitCodes: [
    [EXIT.ok, 'at least one record was decoded'],
    [EXIT.negative, 'no seccomp record in the input'],
    [EXIT.usage, 'wrong usage'],
    [EXIT.input, 'a file could not be read'],
    [EXIT.system, 'the kernel log could not be read (dmesg restricted)'],
  ],
  examples: ['seccomp decode', 'journalctl -k | seccomp decode --json', 'seccomp decode /var/log/audit/audit.log --pid 4242'],
  run({ values, positionals, io, json }) {
    const pidText = stringOpt(values, 'pid');
    if (pidText !== undefined && !/^\d+$/.test(pidText)) throw new UsageError(`--pid takes a number, got "${pidText}"`, 'decode');
    if (flag(values, 'dmesg') && positionals.length) throw new UsageError('give files or --dmesg, not both', 'decode');
    const inputs = source(positionals, flag(values, 'dmesg'));
    let records = inputs.flatMap((i) => parseRecords(i.text));
    if (pidText !== undefined) records = records.filter((r) => r.pid === Number(pidText));
    const from = inputs.map((i) => i.name).join(', ');
    if (json) {
      io.json({
        source: from,
        records: records.map((r) => ({ ...r, auditArch: `0x${r.auditArch.toString(16)}`, code: `0x${(r.code >>> 0).toString(16)}`, action: recordAction(r) })),
      });
      return records.length ? EXIT.ok : EXIT.negative;
    }
    if (!records.length) {
      io.err(`seccomp: no seccomp records in ${from}${pidText ? ` for pid ${pidText}` : ''} (errno denials are logged only by filters loaded with the log flag)`);
      return EXIT.negative;
    }
    const rows = [['TIME', 'PID', 'COMM', 'ARCH', 'SYSCALL', 'ACTION']];
    for (const r of records) {
      rows.push([
        when(r), String(r.pid ?? ''), r.comm ?? '', r.arch ?? `0x${r.auditArch.toString(16)}`,
        `${r.syscall ?? '?'} (${r.nr})`, actionCell(r),
      ]);
    }
    io.out(table(rows));
    const counts = new Map<string, number>();
    for (const r of records) {
      const key = `${r.comm ?? '?'}: ${r.syscall ?? r.nr} → ${recordAction(r)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    io.out(`${plural(records.length, 'record')} from ${from}:`);
    for (const [key, n] of [...counts].sort((a, b) => b[1] - a[1])) io.out(`  ${String(n).padStart(5)} × ${key}`);
    return EXIT.ok;
  },
};
