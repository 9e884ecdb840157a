/**
 * BPF tools for seccomp filters: the kernel's load-time checks (`validate`), an emulator
 * (`emulate`, and `prepare`/`runPrepared`/`run` for volume) and a disassembler.
 */
export * from './opcodes.js';
export { validate, SECCOMP_OPCODES } from './validate.js';
export { PreparedBpf, prepare, run, runPrepared, runTraced, type RunTrace } from './run.js';
export { emulate, type EmulateInput, type EmulateResult } from './emulate.js';
export { kernelAction, isKnownActionValue } from './verdict.js';
export { disassemble, disassembleLines, type DisassembleOptions, type DisassembledLine } from './disassemble.js';
