/**
 * Dispatch: `seccomp <command> [options] [args] [-- cmd…]`. Every error ends here and is
 * printed as one line on stderr (and as {"error": …} on stdout under --json), with the
 * exit code its kind maps to (exit.ts).
 */
import { readFileSync } from 'node:fs';
import { parse, flag } from './args.js';
import { renderHelp, type Command } from './command.js';
import { auditCommand } from './commands/audit.js';
import { compileCommand } from './commands/compile.js';
import { decodeCommand } from './commands/decode.js';
import { disasmCommand } from './commands/disasm.js';
import { doctorCommand } from './commands/doctor.js';
import { explainCommand } from './commands/explain.js';
import { exportCommand } from './commands/export.js';
import { learnChildCommand, probeCommand } from './commands/internal.js';
import { learnCommand } from './commands/learn.js';
import { runCommand } from './commands/run.js';
import { statusCommand } from './commands/status.js';
import { describeError, UsageError } from './errors.js';
import { EXIT } from './exit.js';
import { processIo, type Io } from './io.js';
import { suggestOne } from '@seccomp/core/internal';
import { table } from './text.js';

export const COMMANDS: readonly Command[] = [
  statusCommand, doctorCommand, compileCommand, disasmCommand, explainCommand, runCommand, learnCommand,
  decodeCommand, auditCommand, exportCommand, learnChildCommand, probeCommand,
];

/** Commands whose own failures must not look like the exit status of the command they start. */
const LAUNCHERS = new Set(['run', 'learn', '__learn-child']);

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function topHelp(): string {
  const rows = COMMANDS.filter((c) => !c.hidden).map((c) => [`  ${c.name}`, c.summary]);
  return [
    'Usage: seccomp <command> [options] [arguments]',
    '',
    'Inspect, build, explain and apply Linux seccomp-BPF filters.',
    '',
    'Commands:',
    table(rows),
    '',
    'Every command takes --help and --json. Exit codes: 0 success, 1 a negative answer',
    '(explain: the call is stopped; audit: findings; doctor: seccomp unusable; decode: no',
    'record), 2 usage, 3 bad input, 4 the system refused; run and learn pass the command\'s',
    'status through and use 125 (launcher failed), 126 (cannot execute), 127 (not found).',
    '',
    'Documentation: https://github.com/seccomp-js/seccomp/blob/main/docs/cli.md',
    'Why did my call get EPERM: https://github.com/seccomp-js/seccomp/blob/main/docs/troubleshooting.md',
    '',
  ].join('\n');
}

function findCommand(name: string): Command {
  const cmd = COMMANDS.find((c) => c.name === name);
  if (cmd) return cmd;
  const guess = suggestOne(name, COMMANDS.filter((c) => !c.hidden).map((c) => c.name), { prefix: true });
  throw new UsageError(`unknown command "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; run \`seccomp --help\` for the list`);
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...args] = argv;
  const wantsJson = argv.includes('--json') && (argv.indexOf('--') === -1 || argv.indexOf('--json') < argv.indexOf('--'));
  let cmd: Command | undefined;
  try {
    if (name === undefined) {
      io.err(topHelp());
      return EXIT.usage;
    }
    if (name === '--help' || name === '-h' || name === 'help') {
      if (args[0] && name === 'help') io.out(renderHelp(findCommand(args[0])));
      else io.out(topHelp());
      return EXIT.ok;
    }
    if (name === '--version' || name === '-V') {
      io.out(version());
      return EXIT.ok;
    }
    cmd = findCommand(name);
    const parsed = parse(args, cmd.options, cmd.name);
    if (flag(parsed.values, 'help')) {
      io.out(renderHelp(cmd));
      return EXIT.ok;
    }
    return await cmd.run({ ...parsed, json: flag(parsed.values, 'json'), io });
  } catch (err) {
    const d = describeError(err);
    const code = LAUNCHERS.has(cmd?.name ?? '') && d.exitCode !== EXIT.usage ? EXIT.launcher : d.exitCode;
    const usage = err instanceof UsageError ? (err.command ? findCommand(err.command).usage : undefined) : undefined;
    io.err(`seccomp: ${cmd && !(err instanceof UsageError) ? `${cmd.name}: ` : ''}${d.line}${usage ? ` (usage: ${usage})` : ''}`);
    if (wantsJson) io.json({ error: d.json, exitCode: code });
    return code;
  }
}
