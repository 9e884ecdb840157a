/**
 * Argument parsing over node:util's parseArgs, with the two things it lacks for this CLI:
 * a `--` that hands everything after it to `run`/`learn` untouched, and negative numbers as
 * positionals (`explain p.json openat -100` passes AT_FDCWD, not an option `-1`).
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { suggestOne } from '@seccomp/core/internal';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line for --help; the value's name goes in `value`. */
  description: string;
  value?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
  /** The words after `--`, or undefined when there was no `--`. */
  rest: string[] | undefined;
}

/** What every command accepts. */
export const COMMON_OPTIONS: OptionSpecs = {
  help: { type: 'boolean', short: 'h', description: 'show this help' },
  json: { type: 'boolean', description: 'print one JSON document on stdout instead of text' },
};

const NEGATIVE = /^-(\d|0x)/i;
const PLACEHOLDER = '\u0000neg:';

export function parse(argv: readonly string[], specs: OptionSpecs, command: string): Parsed {
  const split = argv.indexOf('--');
  const head = split === -1 ? [...argv] : argv.slice(0, split);
  const rest = split === -1 ? undefined : argv.slice(split + 1);
  const options = Object.fromEntries(
    Object.entries({ ...COMMON_OPTIONS, ...specs }).map(([name, s]) => [name, { type: s.type, ...(s.short && { short: s.short }), ...(s.multiple && { multiple: true }) }]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: head.map((a) => (NEGATIVE.test(a) ? `${PLACEHOLDER}${a}` : a)),
      options,
      strict: true,
      allowPositionals: true,
    });
    return {
      values: values as Values,
      positionals: positionals.map((p) => (p.startsWith(PLACEHOLDER) ? p.slice(PLACEHOLDER.length) : p)),
      rest,
    };
  } catch (err) {
    throw usageFrom(err, Object.keys(options), command);
  }
}

/** parseArgs' messages are long and explain its own API; say what the user typed wrong. */
function usageFrom(err: unknown, names: string[], command: string): UsageError {
  const e = err as { code?: string; message?: string };
  const quoted = /'([^']+)'/.exec(e.message ?? '')?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const bare = quoted.replace(/^-+/, '');
    const guess = suggestOne(bare, names, { prefix: true });
    return new UsageError(`unknown option ${quoted}${guess ? ` (did you mean --${guess}?)` : ''}`, command);
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const opt = /(--?[\w-]+)/.exec(e.message ?? '')?.[1] ?? quoted;
    return new UsageError(`option ${opt} ${/argument missing/.test(e.message ?? '') ? 'needs a value' : 'takes no value'}`, command);
  }
  return new UsageError(e.message ?? String(err), command);
}

export function stringOpt(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable option whose values may also be comma-separated: `--arch x86_64,x32 --arch x86`. */
export function listOpt(values: Values, name: string): string[] {
  const v = values[name];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function flag(values: Values, name: string): boolean {
  return values[name] === true;
}

/** Exactly `min`..`max` positionals, named in the error. */
export function expectPositionals(positionals: readonly string[], names: readonly string[], command: string, max = names.length): void {
  const required = names.filter((n) => !n.endsWith('?'));
  if (positionals.length < required.length) {
    throw new UsageError(`missing ${required.slice(positionals.length).map((n) => `<${n}>`).join(' ')}`, command);
  }
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`, command);
}
