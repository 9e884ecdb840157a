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
  const all: OptionSpecs = { ...COMMON_OPTIONS, ...specs };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, s]) => [name, { type: s.type, ...(s.short && { short: s.short }), ...(s.multiple && { multiple: true }) }]),
  );
  // Not strict: parseArgs then reports each option as a token with its fields, and the checks
  // below say what the user typed wrong from those fields, not from parseArgs' messages.
  const { values, positionals, tokens } = parseArgs({
    args: head.map((a) => (NEGATIVE.test(a) ? `${PLACEHOLDER}${a}` : a)),
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) if (token.kind === 'option') checkOption(token, all, command);
  const unescape = (v: unknown) => (typeof v === 'string' && v.startsWith(PLACEHOLDER) ? v.slice(PLACEHOLDER.length) : v);
  return {
    values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? v.map(unescape) : unescape(v)])) as Values,
    positionals: positionals.map((p) => unescape(p) as string),
    rest,
  };
}

interface OptionToken {
  name: string;
  rawName: string;
  value?: string | undefined;
  inlineValue?: boolean | undefined;
}

/** An option the command does not have, a value missing (or an option taken as one), or a value for a flag. */
function checkOption(token: OptionToken, specs: OptionSpecs, command: string): void {
  const spec = Object.hasOwn(specs, token.name) ? specs[token.name] : undefined;
  if (!spec) {
    const guess = suggestOne(token.rawName.replace(/^-+/, ''), Object.keys(specs), { prefix: true });
    throw new UsageError(`unknown option ${token.rawName}${guess ? ` (did you mean --${guess}?)` : ''}`, command);
  }
  if (spec.type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
    throw new UsageError(`option ${token.rawName} needs a value`, command);
  }
  if (spec.type === 'boolean' && token.value !== undefined) throw new UsageError(`option ${token.rawName} takes no value`, command);
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
