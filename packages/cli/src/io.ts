/**
 * Where output goes. Text is for people (stdout), warnings and errors go to stderr with the
 * `seccomp:` prefix, and --json replaces the text with one JSON document, so a script can
 * parse stdout whatever happened. bigint values print as strings.
 */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** A warning on stderr, in text and JSON mode alike. */
  warn(text: string): void;
  json(value: unknown): void;
  /** Terminal styling, off when stdout is not a TTY or NO_COLOR is set. */
  style: Style;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s };
const ansi = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const colored: Style = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), yellow: ansi(33, 39), green: ansi(32, 39) };

export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v), 2);
}

/** `seccomp disasm big.bpf | head` closes the pipe early: that is the reader's choice, not an error. */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw err;
    });
  }
}

export function processIo(): Io {
  quietOnClosedPipe();
  const tty = process.stdout.isTTY === true && !process.env.NO_COLOR;
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    warn: (text) => process.stderr.write(`seccomp: warning: ${text}\n`),
    json: (value) => process.stdout.write(`${jsonText(value)}\n`),
    style: tty ? colored : plain,
  };
}
