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
import { familyOf, relationTo, type Family, type Relation } from '../record-family.js';
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

type Decoded = SeccompRecord & { relation?: Relation; via?: number[] };

/** --pid N: N's records and its descendants', each with how it is related (record-family.ts). */
function ofFamily(records: readonly SeccompRecord[], f: Family): Decoded[] {
  return records.flatMap((r) => {
    const rel = relationTo(r, f);
    return rel ? [{ ...r, ...rel }] : [];
  });
}

const RELATION_TEXT: Record<Relation, string> = {
  self: 'itself',
  child: 'child',
  descendant: 'descendant',
  'likely-child': 'likely child',
};

function relationCell(r: Decoded): string {
  if (!r.relation) return '';
  return r.via && r.via.length > 1 ? `${RELATION_TEXT[r.relation]} (via ${r.via.slice(0, -1).join(' → ')})` : RELATION_TEXT[r.relation];
}

/** What --pid could and could not see, said once under the table. */
function familyNotes(f: Family, shown: readonly Decoded[]): string[] {
  const notes: string[] = [];
  if (!f.process) notes.push(`process ${f.root} is not running: only records with its pid, or naming it as parent, are its own`);
  if (shown.some((r) => r.relation === 'likely-child')) {
    notes.push(`"likely child": a process that is gone and ran ${f.process?.exe ?? 'its program'} as its user after ${f.root} started — a child between fork and exec, inferred because the kernel's seccomp record has no parent pid`);
  }
  return notes;
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
OCI flag SECCOMP_FILTER_FLAG_LOG). An EPERM that left no record was one of those.

--pid N keeps N's records and its descendants': a call a child makes — an exec attempt is
made by the forked child — is logged under the child's pid. The record names the process,
not its parent, so a descendant is one alive now under N (/proc), a child the input names
N as parent of (auditd's SYSCALL record), or a "likely child": a process that is gone, ran N's
program as N's user after N started. The RELATION column (--json: relation, via) says which.`,
  options: {
    dmesg: { type: 'boolean', description: 'read the kernel log even when stdin is a pipe' },
    pid: { type: 'string', value: 'pid', description: 'only records of this process and its descendants (children included even once they have exited: see below)' },
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
    let records: Decoded[] = inputs.flatMap((i) => parseRecords(i.text));
    const family = pidText === undefined ? undefined : familyOf(Number(pidText));
    if (family) records = ofFamily(records, family);
    const notes = family ? familyNotes(family, records) : [];
    const from = inputs.map((i) => i.name).join(', ');
    if (json) {
      io.json({
        source: from,
        ...(family && { pid: family.root, notes }),
        records: records.map((r) => ({ ...r, auditArch: `0x${r.auditArch.toString(16)}`, code: `0x${(r.code >>> 0).toString(16)}`, action: recordAction(r) })),
      });
      return records.length ? EXIT.ok : EXIT.negative;
    }
    if (!records.length) {
      io.err(`seccomp: no seccomp records in ${from}${pidText ? ` for pid ${pidText} or its descendants` : ''} (errno denials are logged only by filters loaded with the log flag)`);
      return EXIT.negative;
    }
    const rows = [['TIME', 'PID', 'COMM', 'ARCH', 'SYSCALL', 'ACTION', ...(family ? ['RELATION'] : [])]];
    for (const r of records) {
      rows.push([
        when(r), String(r.pid ?? ''), r.comm ?? '', r.arch ?? `0x${r.auditArch.toString(16)}`,
        `${r.syscall ?? '?'} (${r.nr})`, actionCell(r), ...(family ? [relationCell(r)] : []),
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
    for (const note of notes) io.out(`note: ${note}`);
    return EXIT.ok;
  },
};
