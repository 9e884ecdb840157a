/**
 * The CLI's own error kinds and the one place any error becomes a line of text and an
 * exit code. Core's errors are typed; each kind maps to one exit code, and its message is
 * kept as core wrote it (it already names the fix), folded onto one line.
 */
import { CompileError, InvalidBpfError, ProfileError, SeccompError, UnknownSyscallError } from '@seccomp/node';
import { EXIT } from './exit.js';

/** A mistake on the command line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose usage line to point at, if any. */
  readonly command: string | undefined;
  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** Bad input that is not one of core's typed errors: a missing file, malformed JSON, no such process. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** Something this machine cannot do (no seccomp, no dmesg access). */
export class SystemError extends Error {
  override readonly name = 'SystemError';
}

export interface DescribedError {
  /** One line, without the `seccomp:` prefix. */
  line: string;
  exitCode: number;
  /** The --json form. */
  json: { name: string; message: string; code?: string; suggestions?: readonly string[]; problems?: readonly string[]; compile?: Record<string, unknown> };
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function describeError(err: unknown, context?: string): DescribedError {
  const prefix = context ? `${context}: ` : '';
  if (err instanceof ProfileError) {
    // The problems are the useful part; "Invalid seccomp profile:" would only repeat the context.
    const line = `${prefix}invalid profile: ${err.problems.join('; ')}`;
    return { line, exitCode: EXIT.input, json: { name: err.name, message: line, problems: err.problems } };
  }
  if (err instanceof UnknownSyscallError) {
    return { line: `${prefix}${err.message}`, exitCode: EXIT.input, json: { name: err.name, message: err.message, suggestions: err.suggestions } };
  }
  if (err instanceof CompileError) {
    // The profile is valid but cannot be one program (too long, mixed byte orders, …): its fields say why.
    const { reason, feature, arch, syscall, rules, instructions, limit } = err;
    const fields = Object.fromEntries(Object.entries({ reason, feature, arch, syscall, rules, instructions, limit }).filter(([, v]) => v !== undefined));
    return { line: `${prefix}cannot compile: ${oneLine(err.message)}`, exitCode: EXIT.input, json: { name: err.name, message: err.message, code: reason, compile: fields } };
  }
  if (err instanceof InvalidBpfError) {
    const line = `${prefix}invalid BPF program: ${err.message}`;
    return { line, exitCode: EXIT.input, json: { name: err.name, message: line } };
  }
  if (err instanceof SeccompError) {
    return { line: `${prefix}${oneLine(err.message)}`, exitCode: EXIT.system, json: { name: err.name, message: err.message, code: err.code } };
  }
  if (err instanceof UsageError) return { line: err.message, exitCode: EXIT.usage, json: { name: err.name, message: err.message } };
  if (err instanceof InputError) return { line: `${prefix}${err.message}`, exitCode: EXIT.input, json: { name: err.name, message: err.message } };
  if (err instanceof SystemError) return { line: `${prefix}${err.message}`, exitCode: EXIT.system, json: { name: err.name, message: err.message } };
  // Argument checks in core are RangeError/TypeError with a message that says what to pass.
  if (err instanceof RangeError || err instanceof TypeError) {
    return { line: `${prefix}${oneLine(err.message)}`, exitCode: EXIT.input, json: { name: err.name, message: err.message } };
  }
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  // Node's own fs errors carry a code; they mean the input could not be read.
  if (typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    return { line: `${prefix}${oneLine(message)}`, exitCode: EXIT.input, json: { name: 'Error', message, code: e.code } };
  }
  return { line: `${prefix}${oneLine(message)}`, exitCode: EXIT.system, json: { name: (err as Error)?.name ?? 'Error', message } };
}
