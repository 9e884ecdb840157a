/**
 * Helpers shared by the profile readers. Every reader walks untrusted data, writes each
 * mistake with its path into a `Problems` list and carries on, so one ProfileError can
 * name them all instead of making the user fix them one run at a time.
 */
import { ProfileError } from '../errors.js';
import { didYouMean as hint, suggest } from '../suggest.js';

/** A profile with hundreds of mistakes is the wrong file; past this the list stops helping. */
const MAX_PROBLEMS = 200;

export class Problems {
  readonly list: string[] = [];

  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.empty) return;
    const shown = this.list.slice(0, MAX_PROBLEMS);
    if (this.list.length > MAX_PROBLEMS) shown.push(`… and ${this.list.length - MAX_PROBLEMS} more problems`);
    throw new ProfileError(shown);
  }
}

/** `at("rules", 3)` → `rules[3]`; `at("rules[3]", "action")` → `rules[3].action`. */
export function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

export type Dict = Record<string, unknown>;

export function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only: never something inherited through a `__proto__` key or Object.prototype. */
export function own(obj: Dict, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

export function has(obj: Dict, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** What a value is, for "must be X, got Y" messages. Never prints a huge value whole. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  if (typeof value === 'bigint') return value.toString().length > 30 ? 'a huge bigint' : `the bigint ${value}n`;
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Short, quoted and safe to print: a 10 MB string from a fuzzer must not become the message. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

/** ` (did you mean "x"?)` for the candidate nearest `word`, or ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  return hint(suggest(word, candidates));
}

/** Reports every key not in `allowed`: a misspelt field would otherwise be ignored silently. */
export function checkKeys(obj: Dict, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.add(at(path, key), `unknown field${didYouMean(key, allowed)}`);
  }
}

/** Freezes a tree of plain objects and arrays (what the readers build; no cycles). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Runs a reader so that only ProfileError escapes. The readers never throw on JSON input;
 * this is for hostile objects (throwing getters, proxies) that no JSON parser produces.
 */
export function guard<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof ProfileError) throw err;
    throw new ProfileError([`${what}: cannot be read (${errorText(err)})`]);
  }
}

function errorText(err: unknown): string {
  try {
    return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  } catch {
    return 'an unprintable exception';
  }
}
