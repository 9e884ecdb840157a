/**
 * A synchronous, complete write of one line to fd 1 through node:fs (Node and Bun). A
 * scenario's process exits right after printing, and a result can exceed a pipe's buffer,
 * so partial writes and EAGAIN (if something made the pipe non-blocking) are retried.
 */
import { writeSync } from 'node:fs';

export function writeLine(line: string): void {
  let bytes = Buffer.from(`${line}\n`);
  while (bytes.length > 0) {
    try {
      bytes = bytes.subarray(writeSync(1, bytes));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
    }
  }
}
