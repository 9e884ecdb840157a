/**
 * The kernel's seccomp action cache (Linux 5.11+): when a filter is attached, the kernel
 * walks it once per syscall number knowing only seccomp_data.nr and .arch. If that walk
 * reaches "return ALLOW" without reading anything else (an argument, the instruction
 * pointer) and using only the few instructions it can follow, the syscall is marked and
 * later calls skip the filter entirely: 0 instructions. This is a re-statement of that rule
 * (kernel/seccomp.c, seccomp_is_const_allow) over core's decoded program.
 */
import { type SockFilter } from '@seccomp/node';
import {
  BPF_ABS, BPF_ALU, BPF_AND, BPF_JA, BPF_JEQ, BPF_JGE, BPF_JGT, BPF_JMP, BPF_JSET, BPF_K, BPF_LD,
  BPF_RET, BPF_W,
} from '@seccomp/core/internal';

const SECCOMP_RET_ALLOW = 0x7fff0000;
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;

export function isConstAllow(program: readonly SockFilter[], nr: number, auditArch: number): boolean {
  let a = 0;
  for (let pc = 0; pc < program.length; pc++) {
    const { code, k, jt, jf } = program[pc]!;
    switch (code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (k === OFFSET_NR) a = nr >>> 0;
        else if (k === OFFSET_ARCH) a = auditArch >>> 0;
        else return false; // depends on arguments or the instruction pointer
        break;
      case BPF_RET | BPF_K:
        return k >>> 0 === SECCOMP_RET_ALLOW;
      case BPF_JMP | BPF_JA:
        pc += k;
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        pc += a === k >>> 0 ? jt : jf;
        break;
      case BPF_JMP | BPF_JGE | BPF_K:
        pc += a >= k >>> 0 ? jt : jf;
        break;
      case BPF_JMP | BPF_JGT | BPF_K:
        pc += a > k >>> 0 ? jt : jf;
        break;
      case BPF_JMP | BPF_JSET | BPF_K:
        pc += (a & k) !== 0 ? jt : jf;
        break;
      case BPF_ALU | BPF_AND | BPF_K:
        a = (a & k) >>> 0;
        break;
      default:
        return false; // an instruction the kernel's walk does not follow
    }
  }
  return false;
}
