/**
 * runc's ENOSYS stub (libcontainer/seccomp/patchbpf): before the filter, per arch, a syscall
 * number above the highest one the profile names gets errno(ENOSYS) instead of the default
 * action. A profile written before a syscall existed then answers "not implemented" for it,
 * so libc falls back (clone3 → clone), where the default (often EPERM) would fail the call.
 *
 * What runc does, and this does too:
 *  - only when the default action stops the call (not allow, log or trace);
 *  - per arch of the filter, the highest number among the names of the entries that apply,
 *    whatever their action (names the arch lacks do not count);
 *  - x86_64 and x32 share an audit arch: the x32 bit picks which highest number applies, and
 *    a call through the ABI the profile does not list goes on to the filter untouched;
 *  - on s390 and s390x, syscall 0 gets ENOSYS too: the kernel leaves a number it does not know
 *    there after the multiplexed large-number path.
 * The stub is pure data → instructions; the program after it is not changed.
 */
import { encodeAction, Action } from '../actions.js';
import { archInfo, type ArchName } from '../arch.js';
import { decodeBpf, encodeBpf, type SockFilter } from '../abi.js';
import { ERRNO } from '../errno.js';
import { BPF_ABS, BPF_JA, BPF_JEQ, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD, BPF_RET, BPF_W } from '../bpf/opcodes.js';
import { X32_SYSCALL_BIT } from '../syscalls/index.js';

/** Per arch, the highest syscall number (as seccomp_data.nr holds it) the profile names. */
export type EnosysAbove = Readonly<Partial<Record<ArchName, number>>>;

const LD_NR: SockFilter = { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: 0 };
const LD_ARCH: SockFilter = { code: BPF_LD | BPF_W | BPF_ABS, jt: 0, jf: 0, k: 4 };
const RET_ENOSYS: SockFilter = { code: BPF_RET | BPF_K, jt: 0, jf: 0, k: encodeAction(Action.errno(ERRNO.ENOSYS)) };

/** An instruction whose jump targets are labels, resolved once the section's length is known. */
interface Draft {
  readonly ins: SockFilter;
  readonly label?: string;
  /** Jump targets; absent means the next instruction. */
  readonly jt?: string;
  readonly jf?: string;
}

const jump = (op: number, k: number, jt: string | undefined, jf: string | undefined, label?: string): Draft => ({
  ins: { code: BPF_JMP | op | BPF_K, jt: 0, jf: 0, k: k >>> 0 },
  ...(jt !== undefined && { jt }), ...(jf !== undefined && { jf }), ...(label !== undefined && { label }),
});

/**
 * One audit arch's section: load nr, test, and either return ENOSYS (RET) or go on to FILTER,
 * a `ja` the caller points past the stub.
 */
function section(arches: readonly ArchName[], above: EnosysAbove): Draft[] {
  const out: Draft[] = [{ ins: LD_NR }];
  if (arches.some((a) => a === 's390' || a === 's390x')) out.push(jump(BPF_JEQ, 0, 'RET', undefined));
  if (arches.includes('x86_64') || arches.includes('x32')) {
    const wide = above.x86_64;
    const x32 = above.x32;
    out.push(jump(BPF_JSET, X32_SYSCALL_BIT, x32 === undefined ? 'FILTER' : 'X32', wide === undefined ? 'FILTER' : 'X86'));
    if (wide !== undefined) out.push(jump(BPF_JGT, wide, 'RET', 'FILTER', 'X86'));
    if (x32 !== undefined) out.push(jump(BPF_JGT, x32, 'RET', 'FILTER', 'X32'));
  } else {
    out.push(jump(BPF_JGT, above[arches[0]!]!, 'RET', 'FILTER'));
  }
  out.push({ ins: { code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: 0 }, label: 'FILTER' }, { ins: RET_ENOSYS, label: 'RET' });
  return out;
}

/** Resolves a section's labels to the short offsets BPF jumps take (all forward, all small). */
function assemble(drafts: readonly Draft[]): SockFilter[] {
  const at = new Map<string, number>();
  drafts.forEach((d, i) => {
    if (d.label) at.set(d.label, i);
  });
  return drafts.map((d, pc) => {
    const to = (label: string | undefined) => (label === undefined ? 0 : at.get(label)! - pc - 1);
    return { ...d.ins, jt: to(d.jt), jf: to(d.jf) };
  });
}

/** The stub's instructions: arch dispatch, then one section per audit arch; falls through to what follows. */
export function enosysStub(above: EnosysAbove): SockFilter[] {
  const groups = new Map<number, ArchName[]>();
  for (const arch of Object.keys(above) as ArchName[]) {
    const audit = archInfo(arch).auditArch;
    groups.set(audit, [...(groups.get(audit) ?? []), arch]);
  }
  const sections = [...groups.values()].map((arches) => assemble(section(arches, above)));
  // Dispatch: `jeq AUDIT, 0, 1` then `ja section`; the last `ja` skips the whole stub.
  const dispatch = groups.size * 2 + 2;
  const body: SockFilter[] = [];
  const head: SockFilter[] = [LD_ARCH];
  let start = dispatch;
  [...groups.keys()].forEach((audit, i) => {
    head.push({ code: BPF_JMP | BPF_JEQ | BPF_K, jt: 0, jf: 1, k: audit >>> 0 });
    head.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: start - (1 + i * 2 + 2) });
    start += sections[i]!.length;
  });
  for (const s of sections) body.push(...s);
  const total = dispatch + body.length;
  head.push({ code: BPF_JMP | BPF_JA, jt: 0, jf: 0, k: total - dispatch });
  // Each section's FILTER `ja` (the only JA inside a section) goes to the end of the stub.
  let pc = dispatch;
  for (const ins of body) {
    if (ins.code === (BPF_JMP | BPF_JA)) ins.k = total - pc - 1;
    pc++;
  }
  return [...head, ...body];
}

/**
 * `bpf` with runc's ENOSYS stub in front (ResolvedOci.enosysAbove, from resolveOci with
 * `enosysForNewer: true`). The bytes are in the byte order of the profile's arches, as the
 * compiled program is. An empty `above` returns `bpf` unchanged.
 */
export function withEnosysStub(bpf: Uint8Array, above: EnosysAbove): Uint8Array {
  const arches = Object.keys(above) as ArchName[];
  if (!arches.length) return bpf;
  const endian = archInfo(arches[0]!).endian;
  const program = [...enosysStub(above), ...decodeBpf(bpf, endian)];
  return encodeBpf(program, endian);
}
