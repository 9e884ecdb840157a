/**
 * A classic BPF interpreter for seccomp filters, built for volume: a program is validated
 * and translated once (`prepare`), then each run touches only typed arrays owned by the
 * prepared program, so running a case allocates nothing.
 *
 * Semantics are the kernel's: A and X start at 0, arithmetic is unsigned 32-bit, a load
 * from seccomp_data reads a u32 in the arch's byte order, LD|W|LEN loads 64, and
 * dividing by an X of 0 ends the filter with 0 (SECCOMP_RET_KILL_THREAD), as the kernel's
 * translation of classic BPF does. Shifts by X use the low 5 bits of X, as eBPF does.
 */
import { checkBpf } from '../input.js';
import type { Endian } from '../arch.js';
import type { SockFilter } from '../abi.js';
import { decodeBpf, HOST_ENDIAN, SECCOMP_DATA_SIZE } from '../abi.js';
import { InvalidBpfError } from '../errors.js';
import {
  BPF_A, BPF_ABS, BPF_ADD, BPF_ALU, BPF_AND, BPF_DIV, BPF_IMM, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP,
  BPF_JSET, BPF_K, BPF_LD, BPF_LDX, BPF_LEN, BPF_LSH, BPF_MEM, BPF_MEMWORDS, BPF_MISC, BPF_MUL, BPF_NEG, BPF_OR,
  BPF_RET, BPF_RSH, BPF_ST, BPF_STX, BPF_SUB, BPF_TAX, BPF_TXA, BPF_W, BPF_X, BPF_XOR,
} from './opcodes.js';
import { validate } from './validate.js';

// Internal operation numbers: dense, so the interpreter's switch becomes a jump table.
const LD_ABS = 0, LD_IMM = 1, LDX_IMM = 2, LD_MEM = 3, LDX_MEM = 4, ST = 5, STX = 6;
const ADD_K = 7, ADD_X = 8, SUB_K = 9, SUB_X = 10, MUL_K = 11, MUL_X = 12, DIV_K = 13, DIV_X = 14;
const AND_K = 15, AND_X = 16, OR_K = 17, OR_X = 18, XOR_K = 19, XOR_X = 20;
const LSH_K = 21, LSH_X = 22, RSH_K = 23, RSH_X = 24, NEG = 25, TAX = 26, TXA = 27;
const JA = 28, JEQ_K = 29, JEQ_X = 30, JGT_K = 31, JGT_X = 32, JGE_K = 33, JGE_X = 34, JSET_K = 35, JSET_X = 36;
const RET_K = 37, RET_A = 38;

const OPS: ReadonlyMap<number, number> = new Map([
  [BPF_LD | BPF_W | BPF_ABS, LD_ABS], [BPF_LD | BPF_IMM, LD_IMM], [BPF_LDX | BPF_IMM, LDX_IMM],
  // The kernel rewrites the LEN loads into immediates of sizeof(struct seccomp_data); see translate().
  [BPF_LD | BPF_W | BPF_LEN, LD_IMM], [BPF_LDX | BPF_W | BPF_LEN, LDX_IMM],
  [BPF_LD | BPF_MEM, LD_MEM], [BPF_LDX | BPF_MEM, LDX_MEM], [BPF_ST, ST], [BPF_STX, STX],
  [BPF_ALU | BPF_ADD | BPF_K, ADD_K], [BPF_ALU | BPF_ADD | BPF_X, ADD_X],
  [BPF_ALU | BPF_SUB | BPF_K, SUB_K], [BPF_ALU | BPF_SUB | BPF_X, SUB_X],
  [BPF_ALU | BPF_MUL | BPF_K, MUL_K], [BPF_ALU | BPF_MUL | BPF_X, MUL_X],
  [BPF_ALU | BPF_DIV | BPF_K, DIV_K], [BPF_ALU | BPF_DIV | BPF_X, DIV_X],
  [BPF_ALU | BPF_AND | BPF_K, AND_K], [BPF_ALU | BPF_AND | BPF_X, AND_X],
  [BPF_ALU | BPF_OR | BPF_K, OR_K], [BPF_ALU | BPF_OR | BPF_X, OR_X],
  [BPF_ALU | BPF_XOR | BPF_K, XOR_K], [BPF_ALU | BPF_XOR | BPF_X, XOR_X],
  [BPF_ALU | BPF_LSH | BPF_K, LSH_K], [BPF_ALU | BPF_LSH | BPF_X, LSH_X],
  [BPF_ALU | BPF_RSH | BPF_K, RSH_K], [BPF_ALU | BPF_RSH | BPF_X, RSH_X],
  [BPF_ALU | BPF_NEG, NEG], [BPF_MISC | BPF_TAX, TAX], [BPF_MISC | BPF_TXA, TXA],
  [BPF_JMP | BPF_JA, JA],
  [BPF_JMP | BPF_JEQ | BPF_K, JEQ_K], [BPF_JMP | BPF_JEQ | BPF_X, JEQ_X],
  [BPF_JMP | BPF_JGT | BPF_K, JGT_K], [BPF_JMP | BPF_JGT | BPF_X, JGT_X],
  [BPF_JMP | BPF_JGE | BPF_K, JGE_K], [BPF_JMP | BPF_JGE | BPF_X, JGE_X],
  [BPF_JMP | BPF_JSET | BPF_K, JSET_K], [BPF_JMP | BPF_JSET | BPF_X, JSET_X],
  [BPF_RET | BPF_K, RET_K], [BPF_RET | BPF_A, RET_A],
]);

/** Where a run stopped and how it got there. */
export interface RunTrace {
  /** The raw u32 the filter returned. */
  value: number;
  /** Instructions executed, including the one that returned. */
  instructions: number;
  /** The pc of each executed instruction, in order. */
  path: number[];
}

/**
 * A validated program in the interpreter's form. `endian` is the byte order of the
 * seccomp_data it will be run on (the filtered arch's); it is also the order raw program
 * bytes were decoded in. Not safe to share between concurrently running threads (workers
 * each prepare their own), since a run reuses the program's scratch buffers.
 */
export class PreparedBpf {
  readonly length: number;
  readonly endian: Endian;
  /** A frozen copy of the instructions that were validated. */
  readonly program: readonly SockFilter[];
  private readonly op: Uint8Array;
  private readonly k: Uint32Array;
  /** Absolute targets: the true branch (or the JA target) and the false branch. */
  private readonly jt: Uint16Array;
  private readonly jf: Uint16Array;
  private readonly mem = new Uint32Array(BPF_MEMWORDS);
  /** seccomp_data as the 16 words LD|W|ABS can load; filled by runPrepared. */
  private readonly words = new Uint32Array(SECCOMP_DATA_SIZE / 4);
  private readonly trail: Uint16Array;
  private steps = 0;

  /** Validates (throws InvalidBpfError) and translates `program`. */
  constructor(program: readonly SockFilter[], endian: Endian = HOST_ENDIAN) {
    validate(program);
    const n = program.length;
    this.length = n;
    this.endian = endian;
    this.program = Object.freeze(program.map((i) => Object.freeze({ code: i.code, jt: i.jt, jf: i.jf, k: i.k >>> 0 })));
    this.op = new Uint8Array(n);
    this.k = new Uint32Array(n);
    this.jt = new Uint16Array(n);
    this.jf = new Uint16Array(n);
    this.trail = new Uint16Array(n);
    this.program.forEach((ins, pc) => this.translate(ins, pc));
  }

  private translate(ins: SockFilter, pc: number): void {
    const code = ins.code;
    this.op[pc] = OPS.get(code)!;
    if (code === (BPF_LD | BPF_W | BPF_ABS)) this.k[pc] = ins.k >>> 2;
    else if (code === (BPF_LD | BPF_W | BPF_LEN) || code === (BPF_LDX | BPF_W | BPF_LEN)) this.k[pc] = SECCOMP_DATA_SIZE;
    else this.k[pc] = ins.k;
    this.jt[pc] = pc + 1 + (code === (BPF_JMP | BPF_JA) ? ins.k : ins.jt);
    this.jf[pc] = pc + 1 + ins.jf;
  }

  /** Runs on seccomp_data given as its 16 loadable words; returns the raw u32. */
  execute(w: Uint32Array): number {
    const { op, k, jt, jf, mem, trail } = this;
    let a = 0;
    let x = 0;
    let pc = 0;
    let n = 0;
    for (;;) {
      trail[n++] = pc;
      const kk = k[pc]!;
      switch (op[pc]) {
        case LD_ABS: a = w[kk]!; break;
        case LD_IMM: a = kk; break;
        case LDX_IMM: x = kk; break;
        case LD_MEM: a = mem[kk]!; break;
        case LDX_MEM: x = mem[kk]!; break;
        case ST: mem[kk] = a; break;
        case STX: mem[kk] = x; break;
        case ADD_K: a = (a + kk) >>> 0; break;
        case ADD_X: a = (a + x) >>> 0; break;
        case SUB_K: a = (a - kk) >>> 0; break;
        case SUB_X: a = (a - x) >>> 0; break;
        case MUL_K: a = Math.imul(a, kk) >>> 0; break;
        case MUL_X: a = Math.imul(a, x) >>> 0; break;
        // Both operands are below 2^32, so the float quotient truncates to the exact one.
        case DIV_K: a = (a / kk) >>> 0; break;
        case DIV_X:
          if (x === 0) return this.stop(n, 0);
          a = (a / x) >>> 0;
          break;
        case AND_K: a = (a & kk) >>> 0; break;
        case AND_X: a = (a & x) >>> 0; break;
        case OR_K: a = (a | kk) >>> 0; break;
        case OR_X: a = (a | x) >>> 0; break;
        case XOR_K: a = (a ^ kk) >>> 0; break;
        case XOR_X: a = (a ^ x) >>> 0; break;
        // JS masks shift counts to 5 bits, which is what the kernel does for X (K < 32 is checked).
        case LSH_K: a = (a << kk) >>> 0; break;
        case LSH_X: a = (a << x) >>> 0; break;
        case RSH_K: a = a >>> kk; break;
        case RSH_X: a = a >>> x; break;
        case NEG: a = -a >>> 0; break;
        case TAX: x = a; break;
        case TXA: a = x; break;
        case JA: pc = jt[pc]!; continue;
        case JEQ_K: pc = a === kk ? jt[pc]! : jf[pc]!; continue;
        case JEQ_X: pc = a === x ? jt[pc]! : jf[pc]!; continue;
        case JGT_K: pc = a > kk ? jt[pc]! : jf[pc]!; continue;
        case JGT_X: pc = a > x ? jt[pc]! : jf[pc]!; continue;
        case JGE_K: pc = a >= kk ? jt[pc]! : jf[pc]!; continue;
        case JGE_X: pc = a >= x ? jt[pc]! : jf[pc]!; continue;
        case JSET_K: pc = (a & kk) !== 0 ? jt[pc]! : jf[pc]!; continue;
        case JSET_X: pc = (a & x) !== 0 ? jt[pc]! : jf[pc]!; continue;
        case RET_K: return this.stop(n, kk);
        case RET_A: return this.stop(n, a);
        default: throw new InvalidBpfError('internal error: untranslated instruction', pc);
      }
      pc++;
    }
  }

  private stop(steps: number, value: number): number {
    this.steps = steps;
    return value;
  }

  /** The pcs the latest run executed. */
  lastPath(): number[] {
    return Array.from(this.trail.subarray(0, this.steps));
  }

  /** Fills the reusable word buffer from seccomp_data fields and runs. */
  runFields(nr: number, auditArch: number, args: readonly (bigint | number)[] | undefined, ip: bigint | number): number {
    const w = this.words;
    const little = this.endian === 'little';
    w[0] = nr;
    w[1] = auditArch;
    putU64(w, 2, ip, little);
    for (let i = 0; i < 6; i++) putU64(w, 4 + 2 * i, args?.[i] ?? 0, little);
    return this.execute(w);
  }

  /** Reads the 16 words out of a 64-byte seccomp_data and runs. */
  runBytes(data: Uint8Array, endian: Endian): number {
    if (data.byteLength !== SECCOMP_DATA_SIZE) {
      throw new RangeError(`struct seccomp_data is ${SECCOMP_DATA_SIZE} bytes; got ${data.byteLength}.`);
    }
    const w = this.words;
    for (let i = 0, o = 0; i < 16; i++, o += 4) {
      w[i] = endian === 'little'
        ? data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24)
        : (data[o]! << 24) | (data[o + 1]! << 16) | (data[o + 2]! << 8) | data[o + 3]!;
    }
    return this.execute(w);
  }
}

const TWO_32 = 0x1_0000_0000;

/** Stores a u64 as two words; on a big-endian arch the high word comes first in memory. */
function putU64(w: Uint32Array, at: number, value: bigint | number, little: boolean): void {
  let lo: number;
  let hi: number;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`A seccomp_data value must be a safe integer or a bigint, got ${value}.`);
    // ToUint32 keeps the low 32 bits of any integer, negatives included (two's complement).
    lo = value >>> 0;
    hi = Math.floor(value / TWO_32) >>> 0;
  } else {
    lo = Number(BigInt.asUintN(32, value));
    hi = Number(BigInt.asUintN(32, value >> 32n));
  }
  w[at] = little ? lo : hi;
  w[at + 1] = little ? hi : lo;
}

/** Validates (InvalidBpfError) and translates a program; raw bytes are decoded in `endian`. */
export function prepare(bpf: Uint8Array | readonly SockFilter[], endian: Endian = HOST_ENDIAN): PreparedBpf {
  const checked = checkBpf(bpf);
  return new PreparedBpf(checked instanceof Uint8Array ? decodeBpf(checked, endian) : checked, endian);
}

/**
 * The fast path: runs a prepared program on seccomp_data built from its fields (in the
 * prepared byte order) and returns the raw u32. `nr` and `auditArch` are u32 patterns
 * (a negative nr is its two's complement); args are u64 (negatives likewise).
 */
export function runPrepared(
  prepared: PreparedBpf, nr: number, auditArch: number, args?: readonly (bigint | number)[], ip: bigint | number = 0,
): number {
  return prepared.runFields(nr, auditArch, args, ip);
}

function asPrepared(program: readonly SockFilter[] | PreparedBpf, endian: Endian): PreparedBpf {
  return program instanceof PreparedBpf ? program : prepare(program, endian);
}

/**
 * Runs on a prebuilt 64-byte seccomp_data in byte order `endian` (default: the prepared
 * program's, else the host's) and returns the raw u32. Pass a PreparedBpf to skip
 * validation when running many cases; a plain array is validated on every call.
 */
export function run(program: readonly SockFilter[] | PreparedBpf, data: Uint8Array, endian?: Endian): number {
  const e = endian ?? (program instanceof PreparedBpf ? program.endian : HOST_ENDIAN);
  return asPrepared(program, e).runBytes(data, e);
}

/** `run`, also reporting the executed path. */
export function runTraced(program: readonly SockFilter[] | PreparedBpf, data: Uint8Array, endian?: Endian): RunTrace {
  const e = endian ?? (program instanceof PreparedBpf ? program.endian : HOST_ENDIAN);
  const prepared = asPrepared(program, e);
  const value = prepared.runBytes(data, e);
  const path = prepared.lastPath();
  return { value, instructions: path.length, path };
}
