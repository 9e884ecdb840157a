// What a compile attempt was refused with: the CompileError, or a failed assertion.
import assert from 'node:assert/strict';
import { CompileError } from '../src/compile/index.js';

export function refusal(fn: () => unknown): CompileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CompileError) return err;
    throw err;
  }
  assert.fail('expected a CompileError');
}
