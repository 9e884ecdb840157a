/**
 * The cold-start artifact: what compileLockdown() returns and lockdown({ bpf }) loads. It
 * carries the one or two programs (in load order), the arch they were built for and what
 * lockdown() reports, so loading needs neither libseccomp nor the plan.
 *
 * Layout (little-endian):
 *   0  4  magic "SCLD"
 *   4  1  version (2)
 *   5  1  program count (1 or 2)
 *   6  2  metadata length in bytes
 *   8  4  audit arch token the programs check
 *  12  4  per program: its length in instructions
 *   …     metadata: UTF-8 JSON (LockdownBpfMeta)
 *   …     the programs, back to back, each an array of 8-byte sock_filter in host order
 * Each program can be disassembled on its own: decodeLockdownBpf(bytes).programs[i].
 */
import { SOCK_FILTER_SIZE } from '../abi.js';
import { archInfo, type ArchName } from '../arch.js';
import { InvalidBpfError } from '../errors.js';

const MAGIC = [0x53, 0x43, 0x4c, 0x44];
/** 2: the argument filter is an allowlist and compares with the pid placeholder (self.ts). */
const VERSION = 2;

export interface LockdownBpfMeta {
  arch: ArchName;
  preset: string;
  allowed: number;
  conditional: number;
  denied: number;
  enosys: number;
  action: string;
  dryRun: boolean;
  readOnlyFs: boolean;
  /** Loaded with SECCOMP_FILTER_FLAG_LOG. */
  logDenials: boolean;
  /** What generated the programs: "typescript" (the SDK's compiler) or "libseccomp 2.5.4". */
  compiler: string;
}

export interface LockdownBpf {
  meta: LockdownBpfMeta;
  /** In load order: the argument filter (if any), then the allowlist. */
  programs: Uint8Array[];
}

export function encodeLockdownBpf(bpf: LockdownBpf): Uint8Array {
  const meta = new TextEncoder().encode(JSON.stringify(bpf.meta));
  const n = bpf.programs.length;
  if (n < 1 || n > 2) throw new RangeError(`A lockdown program set has 1 or 2 programs, got ${n}.`);
  const header = 12 + 4 * n;
  const out = new Uint8Array(header + meta.length + bpf.programs.reduce((s, p) => s + p.length, 0));
  const dv = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out[5] = n;
  dv.setUint16(6, meta.length, true);
  dv.setUint32(8, archInfo(bpf.meta.arch).token, true);
  bpf.programs.forEach((p, i) => dv.setUint32(12 + 4 * i, p.length / SOCK_FILTER_SIZE, true));
  out.set(meta, header);
  let at = header + meta.length;
  for (const p of bpf.programs) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Splits what compileLockdown() made; InvalidBpfError for anything else. */
export function decodeLockdownBpf(bytes: Uint8Array): LockdownBpf {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeLockdownBpf() takes a Uint8Array.');
  const bad = (why: string) => new InvalidBpfError(`not a lockdown program from compileLockdown(): ${why}`);
  if (bytes.length < 16 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('no "SCLD" header (a raw BPF program loads with loadBpf())');
  if (bytes[4] === 1) throw bad('format version 1 lets packet and vsock sockets and signals to other processes through; make it again with compileLockdown()');
  if (bytes[4] !== VERSION) throw bad(`format version ${bytes[4]}, this SDK reads ${VERSION}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes[5]!;
  if (n < 1 || n > 2) throw bad(`${n} programs`);
  const header = 12 + 4 * n;
  const metaLength = dv.getUint16(6, true);
  const lengths = Array.from({ length: n }, (_, i) => dv.getUint32(12 + 4 * i, true) * SOCK_FILTER_SIZE);
  if (header + metaLength + lengths.reduce((s, l) => s + l, 0) !== bytes.length) throw bad('its lengths do not add up (truncated?)');
  let meta: LockdownBpfMeta;
  try {
    meta = JSON.parse(new TextDecoder().decode(bytes.subarray(header, header + metaLength))) as LockdownBpfMeta;
  } catch {
    throw bad('unreadable metadata');
  }
  if (archInfo(meta.arch).token !== dv.getUint32(8, true)) throw bad('its arch and its metadata disagree');
  let at = header + metaLength;
  const programs = lengths.map((l) => {
    const p = bytes.slice(at, at + l);
    at += l;
    return p;
  });
  return { meta, programs };
}
