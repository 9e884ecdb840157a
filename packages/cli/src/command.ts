/** What each command file exports, and how its --help is rendered. */
import { COMMON_OPTIONS, type OptionSpecs, type Values } from './args.js';
import type { Io } from './io.js';
import { table } from './text.js';

export interface Context {
  values: Values;
  positionals: string[];
  /** The words after `--` (run, learn). */
  rest: string[] | undefined;
  json: boolean;
  io: Io;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** `seccomp explain <profile.json|out.bpf> <syscall> [args…]` */
  usage: string;
  /** Paragraphs shown under the usage line. */
  description: string;
  options: OptionSpecs;
  /** `[code, meaning]` rows; the common ones are added by the renderer. */
  exitCodes: readonly (readonly [number | string, string])[];
  /** Example invocations. */
  examples?: readonly string[];
  /** Internal commands the CLI starts itself (doctor's probe, learn's launcher). */
  hidden?: boolean;
  run(ctx: Context): Promise<number> | number;
}

export function renderHelp(cmd: Command): string {
  const opts = { ...cmd.options, ...COMMON_OPTIONS };
  const rows = Object.entries(opts).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` <${o.value}>` : ''}`,
    o.description + (o.multiple ? ' (repeatable)' : ''),
  ]);
  const exits = cmd.exitCodes.map(([code, text]) => [String(code), text]);
  return [
    `Usage: ${cmd.usage}`,
    '',
    cmd.description.trim(),
    '',
    'Options:',
    table(rows, '  '),
    '',
    'Exit codes:',
    table(exits, '  '),
    ...(cmd.examples?.length ? ['', 'Examples:', ...cmd.examples.map((e) => `  ${e}`)] : []),
    '',
  ].join('\n');
}
