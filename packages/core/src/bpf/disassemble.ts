/**
 * A disassembler for seccomp filters: one line per instruction with its raw fields and a
 * readable statement (`A = args[1] (low)`, `if (A == openat) goto 0012`, `return ERRNO(EPERM)`).
 *
 * Naming a constant needs to know what A holds and which arch the code runs for, so a
 * forward pass (jumps only go forward) follows both along every edge: A holds the syscall
 * number or the audit arch after the matching load, and the arch is known on the true
 * branch of `A == <audit arch>`. Where paths disagree the fact is dropped. The disassembler
 * never validates: it prints whatever it is given, invalid opcodes included.
 */
import { checkBpf, checkObject } from '../input.js';
import { errnoName } from '../errno.js';
import type { ArchName, Endian } from '../arch.js';
import { archesByAudit, archInfo, nativeArch } from '../arch.js';
import type { SockFilter } from '../abi.js';
import { decodeBpf, HOST_ENDIAN } from '../abi.js';
import { decodeAction, type ActionKind } from '../actions.js';
import { syscallName, X32_SYSCALL_BIT } from '../syscalls/index.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_B, BPF_DIV, BPF_H, BPF_IMM, BPF_IND, BPF_JA, BPF_JEQ, BPF_JGE,
  BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MISC, BPF_MOD, BPF_MSH,
  BPF_MUL, BPF_NEG, BPF_OR, BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
  bpfClass, bpfMiscOp, bpfMode, bpfOp, bpfRval, bpfSize, bpfSrc, opcodeName,
} from './opcodes.js';
import { isKnownActionValue } from './verdict.js';

export interface DisassembleOptions {
  /** The arch the filter is for; used until the program's own arch checks say otherwise. */
  arch?: ArchName;
  /** Byte order of a raw program (Uint8Array); default: `arch`'s, else the host's. */
  endian?: Endian;
}

export interface DisassembledLine {
  pc: number;
  code: number;
  jt: number;
  jf: number;
  k: number;
  /** The statement, e.g. `if (A == openat) goto 0012 else goto 0005`. */
  text: string;
}

/** What the disassembler knows when an instruction starts. */
interface Facts {
  /** What A was last loaded with. */
  a: 'nr' | 'arch' | undefined;
  arch: ArchName | undefined;
}

const UNKNOWN: Facts = { a: undefined, arch: undefined };

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
const pad = (v: number, width: number): string => v.toString(16).padStart(width, '0');
const label = (pc: number): string => String(pc).padStart(4, '0');

function merge(into: Facts | undefined, from: Facts): Facts {
  if (into === undefined) return from;
  return { a: into.a === from.a ? into.a : undefined, arch: into.arch === from.arch ? into.arch : undefined };
}

function tryNativeArch(): ArchName | undefined {
  try {
    return nativeArch();
  } catch {
    return undefined;
  }
}

class Namer {
  constructor(
    private readonly preferred: ArchName | undefined,
    private readonly fallback: ArchName | undefined,
    private readonly bytesEndian: Endian,
  ) {}

  /** The arch whose kernel reports `audit`; x86_64 and x32 share one, so a given x32 wins. */
  archOfAudit(audit: number): ArchName | undefined {
    const arches = archesByAudit(audit);
    return (arches.find((a) => a.name === this.preferred) ?? arches[0])?.name;
  }

  archAt(facts: Facts): ArchName | undefined {
    return facts.arch ?? this.fallback;
  }

  /** seccomp_data's layout depends on the arch's byte order; with no arch, the bytes' order. */
  endianAt(facts: Facts): Endian {
    const arch = this.archAt(facts);
    return arch ? archInfo(arch).endian : this.bytesEndian;
  }

  field(offset: number, facts: Facts): string {
    if (offset === 0) return 'sys_number';
    if (offset === 4) return 'arch';
    if (offset % 4 !== 0 || offset >= 64) return `data[${offset}]`;
    // A u64 field's low word comes first on little-endian arches and second on big-endian ones.
    const first = this.endianAt(facts) === 'little' ? 'low' : 'high';
    const half = offset % 8 === 0 ? first : first === 'low' ? 'high' : 'low';
    return offset < 16 ? `instruction_pointer (${half})` : `args[${Math.floor((offset - 16) / 8)}] (${half})`;
  }

  /** The audit arch's own name: x32 calls arrive as ARCH_X86_64, so that is what is compared. */
  auditName(k: number): string {
    const arch = archesByAudit(k)[0];
    return arch ? arch.oci.replace(/^SCMP_/, '') : hex(k);
  }

  syscall(k: number, facts: Facts): string {
    let arch = this.archAt(facts);
    // 0xffffffff is the "no syscall" a tracer may set, never a real number.
    if (arch === undefined || k === 0xffffffff) return hex(k);
    // On the x86_64 audit arch, bit 30 is what tells an x32 syscall apart.
    if (arch === 'x86_64' || arch === 'x32') arch = k & X32_SYSCALL_BIT ? 'x32' : 'x86_64';
    return syscallName(k | 0, arch) ?? hex(k);
  }

  errno(data: number, facts: Facts): string {
    const arch = this.archAt(facts);
    // errno-base.h (1 to 34) is common to all arches; mips and parisc number the rest their own way.
    const generic = arch === undefined || !/^(mips|parisc)/.test(arch) || data <= 34;
    return (generic ? errnoName(data) : undefined) ?? String(data);
  }

  verdict(value: number, facts: Facts): string {
    if (!isKnownActionValue(value)) return `${hex(value)} (unknown action: the kernel kills the process)`;
    const action = decodeAction(value);
    const data = value & 0xffff;
    switch (action.kind) {
      case 'errno': return `ERRNO(${this.errno(data, facts)})`;
      case 'trace': return `TRACE(${data})`;
      default: {
        const name = VERDICTS[action.kind];
        return data ? `${name}(${data})` : name;
      }
    }
  }
}

const VERDICTS: Record<Exclude<ActionKind, 'errno' | 'trace'>, string> = {
  allow: 'ALLOW', killProcess: 'KILL_PROCESS', killThread: 'KILL_THREAD', trap: 'TRAP', log: 'LOG', notify: 'USER_NOTIF',
};

const ALU_SIGNS: Record<number, string> = {
  [BPF_ADD]: '+=', [BPF_SUB]: '-=', [BPF_MUL]: '*=', [BPF_DIV]: '/=', [BPF_OR]: '|=', [BPF_AND]: '&=',
  [BPF_LSH]: '<<=', [BPF_RSH]: '>>=', [BPF_MOD]: '%=', [BPF_XOR]: '^=',
};

/** Each test as written when taken, and negated (for a jump whose true branch falls through). */
const TESTS: Record<number, [string, string]> = {
  [BPF_JEQ]: ['==', '!='], [BPF_JGT]: ['>', '<='], [BPF_JGE]: ['>=', '<'], [BPF_JSET]: ['&', '&'], // spelled out in jumpText
};

const SIZE_BITS: Record<number, number> = { [BPF_W]: 32, [BPF_H]: 16, [BPF_B]: 8 };

function loadText(ins: SockFilter, facts: Facts, namer: Namer): string {
  const reg = bpfClass(ins.code) === BPF_LD ? 'A' : 'X';
  const size = bpfSize(ins.code);
  const bits = size === BPF_W ? '' : ` (${SIZE_BITS[size] ?? '?'} bits)`;
  const mode = bpfMode(ins.code);
  // Classic BPF gives X only immediates, scratch, the length and MSH, and MSH only to X.
  const fits = reg === 'A' ? mode !== BPF_MSH && (size === BPF_W || mode === BPF_ABS || mode === BPF_IND)
    : (mode === BPF_MSH ? size === BPF_B : size === BPF_W && mode !== BPF_ABS && mode !== BPF_IND);
  if (!fits) return invalid(ins.code);
  switch (mode) {
    case BPF_IMM: return `${reg} = ${hex(ins.k)}`;
    case BPF_MEM: return `${reg} = mem[${ins.k}]`;
    case BPF_LEN: return `${reg} = sizeof(seccomp_data)`;
    case BPF_ABS: return size === BPF_W ? `${reg} = ${namer.field(ins.k, facts)}` : `${reg} = data[${ins.k}]${bits}`;
    case BPF_IND: return `${reg} = data[X + ${ins.k}]${bits}`;
    case BPF_MSH: return `${reg} = 4 * (data[${ins.k}] & 0xf)`;
    default: return invalid(ins.code);
  }
}

function aluText(ins: SockFilter): string {
  const op = bpfOp(ins.code);
  if (op === BPF_NEG) return 'A = -A';
  const sign = ALU_SIGNS[op];
  return sign ? `A ${sign} ${bpfSrc(ins.code) === BPF_X ? 'X' : hex(ins.k)}` : invalid(ins.code);
}

function operand(ins: SockFilter, facts: Facts, namer: Namer): string {
  if (bpfSrc(ins.code) === BPF_X) return 'X';
  if (bpfOp(ins.code) !== BPF_JEQ) return hex(ins.k);
  if (facts.a === 'nr') return namer.syscall(ins.k, facts);
  if (facts.a === 'arch') return namer.auditName(ins.k);
  return hex(ins.k);
}

function jumpText(ins: SockFilter, pc: number, facts: Facts, namer: Namer): string {
  const op = bpfOp(ins.code);
  if (op === BPF_JA) return `goto ${label(pc + 1 + ins.k)}`;
  const test = TESTS[op];
  if (!test) return invalid(ins.code);
  const rhs = operand(ins, facts, namer);
  const cond = (negate: boolean): string =>
    op === BPF_JSET ? (negate ? `(!(A & ${rhs}))` : `(A & ${rhs})`) : `(A ${test[negate ? 1 : 0]} ${rhs})`;
  const t = label(pc + 1 + ins.jt);
  const f = label(pc + 1 + ins.jf);
  if (ins.jf === 0) return `if ${cond(false)} goto ${t}`;
  if (ins.jt === 0) return `if ${cond(true)} goto ${f}`;
  return `if ${cond(false)} goto ${t} else goto ${f}`;
}

function retText(ins: SockFilter, facts: Facts, namer: Namer): string {
  const rval = bpfRval(ins.code);
  if (rval === BPF_K) return `return ${namer.verdict(ins.k, facts)}`;
  return rval === BPF_A ? 'return A' : rval === BPF_X ? 'return X' : invalid(ins.code);
}

function miscText(ins: SockFilter): string {
  const op = bpfMiscOp(ins.code);
  return op === BPF_TAX ? 'X = A' : op === BPF_TXA ? 'A = X' : invalid(ins.code);
}

function invalid(code: number): string {
  return `invalid opcode 0x${pad(code, 2)} (${opcodeName(code)})`;
}

function statement(ins: SockFilter, pc: number, facts: Facts, namer: Namer): string {
  switch (bpfClass(ins.code)) {
    case BPF_LD:
    case BPF_LDX: return loadText(ins, facts, namer);
    case BPF_ST: return ins.code === BPF_ST ? `mem[${ins.k}] = A` : invalid(ins.code);
    case BPF_STX: return ins.code === BPF_STX ? `mem[${ins.k}] = X` : invalid(ins.code);
    case BPF_ALU: return aluText(ins);
    case BPF_JMP: return jumpText(ins, pc, facts, namer);
    case BPF_RET: return retText(ins, facts, namer);
    case BPF_MISC: return miscText(ins);
    default: return invalid(ins.code);
  }
}

/** What the instruction leaves A holding. */
function after(ins: SockFilter, facts: Facts): Facts {
  const cls = bpfClass(ins.code);
  if (ins.code === (BPF_LD | BPF_W | BPF_ABS)) return { ...facts, a: ins.k === 0 ? 'nr' : ins.k === 4 ? 'arch' : undefined };
  const writesA = cls === BPF_LD || cls === BPF_ALU || (cls === BPF_MISC && bpfMiscOp(ins.code) === BPF_TXA);
  return writesA ? { ...facts, a: undefined } : facts;
}

/** Hands the facts after `pc` to each instruction that can run next. */
function propagate(ins: SockFilter, pc: number, facts: Facts, namer: Namer, at: (Facts | undefined)[]): void {
  const give = (to: number, f: Facts): void => {
    if (to < at.length) at[to] = merge(at[to], f);
  };
  const cls = bpfClass(ins.code);
  if (cls === BPF_RET) return;
  if (cls !== BPF_JMP) return give(pc + 1, after(ins, facts));
  if (bpfOp(ins.code) === BPF_JA) return give(pc + 1 + ins.k, facts);
  const isArchTest = ins.code === (BPF_JMP | BPF_JEQ | BPF_K) && facts.a === 'arch';
  const arch = isArchTest ? namer.archOfAudit(ins.k) : undefined;
  give(pc + 1 + ins.jt, arch ? { ...facts, arch } : facts);
  give(pc + 1 + ins.jf, facts);
}

function toInstructions(bpf: Uint8Array | readonly SockFilter[], endian: Endian): readonly SockFilter[] {
  if (bpf instanceof Uint8Array) return decodeBpf(bpf, endian);
  return bpf.map((i) => ({ code: i.code & 0xffff, jt: i.jt & 0xff, jf: i.jf & 0xff, k: i.k >>> 0 }));
}

/** The program as structured rows, one per instruction. */
export function disassembleLines(bpf: Uint8Array | readonly SockFilter[], opts: DisassembleOptions = {}): DisassembledLine[] {
  checkBpf(bpf);
  checkObject(opts, 'options', true);
  const bytesEndian = opts.endian ?? (opts.arch ? archInfo(opts.arch).endian : HOST_ENDIAN);
  const program = toInstructions(bpf, bytesEndian);
  const namer = new Namer(opts.arch, opts.arch ?? tryNativeArch(), bytesEndian);
  const at: (Facts | undefined)[] = new Array(program.length).fill(undefined);
  return program.map((ins, pc) => {
    // An instruction nothing reaches starts knowing nothing.
    const facts = at[pc] ?? UNKNOWN;
    propagate(ins, pc, facts, namer, at);
    return { pc, code: ins.code, jt: ins.jt, jf: ins.jf, k: ins.k, text: statement(ins, pc, facts, namer) };
  });
}

/** `0004: 0x15 0x00 0x05 0x00000101  if (A != openat) goto 0010`, one line per instruction. */
export function disassemble(bpf: Uint8Array | readonly SockFilter[], opts: DisassembleOptions = {}): string {
  return disassembleLines(bpf, opts)
    .map((l) => `${label(l.pc)}: 0x${pad(l.code, 2)} 0x${pad(l.jt, 2)} 0x${pad(l.jf, 2)} 0x${pad(l.k, 8)}  ${l.text}`)
    .join('\n');
}
