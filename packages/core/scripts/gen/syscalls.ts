/**
 * Builds src/syscalls/table.generated.ts from libseccomp's syscall table (data/syscalls.csv)
 * and its pseudo-syscall numbers (data/pnr.csv). The output keeps the table's raw values:
 * no MIPS ABI base and no x32 bit, which src/syscalls adds, as libseccomp does at lookup time.
 */
import { readFileSync } from 'node:fs';
import { ARCH_NAMES, ARCHES, type ArchName } from '../../src/arch.js';
import { isMultiplexedName } from '../../src/syscalls/multiplex.js';
import type { GeneratedFile } from '../gen.js';

const OUT = 'src/syscalls/table.generated.ts';
/** The libseccomp tree data/ was copied from; the CSV itself only names the kernel. */
const LIBSECCOMP = 'v2.6.1';
const WIDTH = 100;

interface Table {
  /** Linux version the numbers come from, from the CSV's header line. */
  readonly kernel: string;
  /** The per-arch columns, in CSV order (`x86`, `x86_64`, …). */
  readonly tables: readonly string[];
  /** Sorted by name; `numbers[t]` is undefined where the arch lacks it (PNR). */
  readonly rows: readonly Row[];
}

interface Row {
  readonly name: string;
  readonly numbers: readonly (number | undefined)[];
  /** `5.6` for SCMP_KV_5_6; undefined for SCMP_KV_UNDEF. */
  readonly kvers: readonly (string | undefined)[];
}

function readData(file: string): string {
  return readFileSync(new URL(`../../data/${file}`, import.meta.url), 'utf8');
}

function fail(file: string, line: number, why: string): never {
  throw new Error(`data/${file}:${line}: ${why}`);
}

function parseNumber(cell: string, line: number): number | undefined {
  if (cell === 'PNR') return undefined;
  if (!/^\d+$/.test(cell)) fail('syscalls.csv', line, `"${cell}" is neither a syscall number nor PNR`);
  return Number(cell);
}

function parseKver(cell: string, line: number): string | undefined {
  if (cell === 'SCMP_KV_UNDEF') return undefined;
  const m = /^SCMP_KV_(\d+)_(\d+)$/.exec(cell);
  if (!m) fail('syscalls.csv', line, `"${cell}" is not a SCMP_KV_* kernel version`);
  return `${m[1]}.${m[2]}`;
}

function parseHeader(line: string): { kernel: string; tables: string[] } {
  const m = /^#syscall \(v([^ )]+)[^)]*\)$/.exec(line.split(',')[0] ?? '');
  if (!m?.[1]) fail('syscalls.csv', 1, 'the header should start with "#syscall (v<kernel> <date>)"');
  const cols = line.split(',').slice(1);
  const tables = cols.filter((_, i) => i % 2 === 0);
  tables.forEach((t, i) => {
    if (cols[2 * i + 1] !== `${t}_kver`) fail('syscalls.csv', 1, `column ${t} should be followed by ${t}_kver`);
  });
  return { kernel: m[1], tables };
}

function parseSyscalls(): Table {
  const lines = readData('syscalls.csv').split('\n').filter((l) => l !== '');
  const { kernel, tables } = parseHeader(lines[0] ?? '');
  const rows = lines.slice(1).map((text, i): Row => {
    const cells = text.split(',');
    if (cells.length !== 1 + 2 * tables.length) fail('syscalls.csv', i + 2, `expected ${1 + 2 * tables.length} cells`);
    const name = cells[0] ?? '';
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) fail('syscalls.csv', i + 2, `"${name}" is not a syscall name`);
    return {
      name,
      numbers: tables.map((_, t) => parseNumber(cells[1 + 2 * t] ?? '', i + 2)),
      kvers: tables.map((_, t) => parseKver(cells[2 + 2 * t] ?? '', i + 2)),
    };
  });
  return { kernel, tables, rows: rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** name → __PNR_* number. Lines starting with `#` are comments. */
function parsePseudo(): Map<string, number> {
  const out = new Map<string, number>();
  readData('pnr.csv').split('\n').forEach((text, i) => {
    if (text === '' || text.startsWith('#')) return;
    const m = /^([a-z_][a-z0-9_]*),(-\d+)$/.exec(text);
    if (!m?.[1] || !m[2]) fail('pnr.csv', i + 1, 'expected "name,negative number"');
    out.set(m[1], Number(m[2]));
  });
  return out;
}

// What the lookup code relies on: every arch has its column, names are unique, no arch
// gives two names one number, and every name an arch lacks has a pseudo number.
function validate({ tables, rows }: Table, pseudo: Map<string, number>): void {
  for (const arch of ARCH_NAMES) {
    if (!tables.includes(ARCHES[arch].table)) throw new Error(`data/syscalls.csv has no "${ARCHES[arch].table}" column (for ${arch}).`);
  }
  const names = new Set(rows.map((r) => r.name));
  if (names.size !== rows.length) throw new Error('data/syscalls.csv lists a syscall twice.');
  tables.forEach((table, t) => {
    const seen = new Map<number, string>();
    for (const { name, numbers } of rows) {
      const nr = numbers[t];
      if (nr === undefined) continue;
      const other = seen.get(nr);
      if (other) throw new Error(`data/syscalls.csv gives ${table} number ${nr} to both ${other} and ${name}.`);
      seen.set(nr, name);
    }
  });
  const missing = rows.filter((r) => r.numbers.includes(undefined) && !pseudo.has(r.name)).map((r) => r.name);
  if (missing.length) throw new Error(`data/pnr.csv has no pseudo number for ${missing.join(', ')}.`);
}

/**
 * Per arch, the names libseccomp's number-to-name lookup does not give back: resolving the
 * name and naming the number yields another name (`sys_debug_setcontext` → `switch_endian`:
 * both lack a syscall there and share pseudo number -10191). Real numbers are one name each
 * (validate), and so are the socket and IPC pseudo numbers on the arches that multiplex them,
 * so only names an arch lacks can have an alias. The lookup is libseccomp's, as
 * src/syscalls reproduces it: a number names the first name in sorted order that gives it,
 * except that on socketcall/ipc arches a socket or IPC pseudo number names its call.
 * Index → index in SYSCALL_NAMES order.
 */
function aliases({ tables, rows }: Table, pseudo: Map<string, number>, arch: ArchName): Map<number, number> {
  const { table, socketcall, ipc } = ARCHES[arch];
  const t = tables.indexOf(table);
  const muxes = socketcall !== undefined || ipc !== undefined;
  const muxed = (name: string): boolean => muxes && isMultiplexedName(name);
  // Every real number differs from every pseudo number, so only pseudo numbers need keys.
  const holds = (i: number): number | undefined => (rows[i]!.numbers[t] === undefined || muxed(rows[i]!.name) ? pseudo.get(rows[i]!.name) : undefined);
  const firstName = new Map<number, number>();
  rows.forEach(({ name, numbers }, i) => {
    const p = pseudo.get(name);
    if (p === undefined) return;
    if (numbers[t] === undefined && !firstName.has(p)) firstName.set(p, i);
    if (muxed(name)) firstName.set(p, i);
  });
  const out = new Map<number, number>();
  rows.forEach((_, i) => {
    const p = holds(i);
    if (p === undefined) return;
    const back = firstName.get(p);
    if (back === undefined) throw new Error(`${arch}: pseudo number ${p} of ${rows[i]!.name} names nothing back.`);
    if (back !== i) out.set(i, back);
  });
  return out;
}

/** Comma-separated items, wrapped to WIDTH, one indented line each. */
function wrap(items: readonly string[], indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line ? `${line} ${item},` : `${item},`;
    if (line && indent.length + next.length > WIDTH) {
      lines.push(indent + line);
      line = `${item},`;
    } else {
      line = next;
    }
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

function header(kernel: string): string {
  return [
    `// Generated by scripts/gen/syscalls.ts. Do not edit: change data/ and run \`pnpm gen\`.`,
    `// Source: libseccomp's syscall table, src/syscalls.csv of the libseccomp ${LIBSECCOMP} tree`,
    `// (numbers from Linux v${kernel}), and the __PNR_* pseudo-syscall numbers of its`,
    `// include/seccomp-syscalls.h (data/pnr.csv). libseccomp is LGPL-2.1; this file restates`,
    `// facts from its data. See data/README.md.`,
  ].join('\n');
}

function render({ kernel, tables, rows }: Table, pseudo: Map<string, number>): string {
  const names = rows.map((r) => `'${r.name}'`);
  const pnrs = rows.map((r) => String(pseudo.get(r.name) ?? 0));
  const columns = tables.map((table, t) => {
    const nrs = rows.map((r) => String(r.numbers[t] ?? -1));
    return `  ${table}: [\n${wrap(nrs, '    ')}\n  ],`;
  });
  const aliased = ARCH_NAMES.flatMap((arch) => {
    const pairs = [...aliases({ kernel, tables, rows }, pseudo, arch)].map(([from, to]) => `${from}: ${to}`);
    return pairs.length ? [`  ${arch}: { ${pairs.join(', ')} },`] : [];
  });
  const kvers = tables.flatMap((table, t) => {
    const known = rows.filter((r) => r.kvers[t] !== undefined).map((r) => `${r.name}: '${r.kvers[t]}'`);
    return known.length ? [`  ${table}: {\n${wrap(known, '    ')}\n  },`] : [];
  });
  return `${header(kernel)}

/** The Linux version the syscall numbers were taken from. */
export const SYSCALL_TABLE_KERNEL = '${kernel}';

/** Every syscall name libseccomp knows (${rows.length}), sorted. */
export const SYSCALL_NAMES = [
${wrap(names, '  ')}
] as const;

export type SyscallName = (typeof SYSCALL_NAMES)[number];

/** libseccomp's pseudo-syscall number (__PNR_*) of each name, in SYSCALL_NAMES order; 0: it has none. */
export const PSEUDO_NUMBERS: readonly number[] = [
${wrap(pnrs, '  ')}
];

/**
 * Each syscalls.csv table's number for each name, in SYSCALL_NAMES order; -1 where the
 * arch lacks the syscall (PNR). Raw table values: no MIPS ABI base, no x32 bit.
 */
export const TABLES: Readonly<Record<string, readonly number[]>> = {
${columns.join('\n')}
};

/**
 * Per arch, the names whose number libseccomp names back as another name, index → index in
 * SYSCALL_NAMES order (names sharing a pseudo number; see scripts/gen/syscalls.ts). A rule
 * naming one on another arch than the native one lands on the other name's number there.
 */
export const NUMBER_ALIASES: Readonly<Partial<Record<string, Readonly<Record<number, number>>>>> = {
${aliased.join('\n')}
};

/** The kernel version that added a syscall, per table, where libseccomp records one (\`_kver\` columns). */
export const KERNEL_VERSIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {${kvers.length ? `\n${kvers.join('\n')}\n` : ''}};
`;
}

export function generate(): GeneratedFile[] {
  const table = parseSyscalls();
  const pseudo = parsePseudo();
  validate(table, pseudo);
  return [{ path: OUT, content: render(table, pseudo) }];
}
