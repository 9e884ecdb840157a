/**
 * "Did you mean": the one implementation behind every suggestion the SDK and the CLI make
 * (syscall, group, arch, field, preset, command and option names).
 *
 * Hostile input is the design constraint: a name may be 60,000 characters long and a profile
 * may hold 10,000 unknown names, so the cost of one call is bounded by the candidates' length,
 * never by the word's. A word much longer than every candidate gets no suggestion at all (no
 * few edits could reach one), and the edit distance gives up as soon as it exceeds the limit.
 */

/** How much longer than the longest candidate a word may be and still be looked at: `__NR_` and friends. */
const LENGTH_MARGIN = 8;

/** The most edits a suggestion may be away, and the fewest a word of that length may be. */
const MAX_EDITS = 3;

export interface SuggestOptions {
  /** How many suggestions at most, nearest first (default 1). */
  readonly max?: number;
  /**
   * Also count a candidate that starts with the word (3 characters or more) as a match, as
   * abbreviations of commands and options are common: `comp` → `compile`.
   */
  readonly prefix?: boolean;
}

/** editDistance's three rows, kept between calls: suggesting compares one word with hundreds. */
let rows: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Levenshtein distance that also counts swapping two neighbours as one edit (optimal string
 * alignment), since transposed letters are the commonest typo: `mkdri` is 1 from `mkdir`.
 * Gives up once the distance must exceed `limit` and answers `limit + 1`, so a call costs at
 * most (shorter length) × (2 × limit + 1) steps.
 */
export function editDistance(a: string, b: string, limit = Math.max(a.length, b.length)): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const over = limit + 1;
  const width = b.length + 1;
  // Three rows (the one before last, last, this one), reused across rows and calls.
  if (rows[0]!.length < width) rows = [new Int32Array(width), new Int32Array(width), new Int32Array(width)];
  let [before, prev, row] = rows as [Int32Array, Int32Array, Int32Array];
  before.fill(over, 0, width);
  for (let j = 0; j < width; j++) prev[j] = j <= limit ? j : over;
  for (let i = 1; i <= a.length; i++) {
    // Only cells within `limit` of the diagonal can hold a distance of at most `limit`.
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    row.fill(over, 0, width);
    row[0] = i <= limit ? i : over;
    let best = row[0]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = from; j <= to; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) d = Math.min(d, before[j - 2]! + 1);
      if (d > over) d = over;
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > limit) return over;
    const spare = before;
    before = prev;
    prev = row;
    row = spare;
  }
  return Math.min(prev[b.length]!, over);
}

/** People paste C spellings (`__NR_openat`, `SYS_openat`) and shout; compare the bare name. */
function bare(word: string): string {
  return word.toLowerCase().replace(/^(__nr_|__pnr_|__snr_|sys_)/, '');
}

/**
 * Up to `max` candidates near `word`, nearest first, ties alphabetical. A short word may be
 * one edit off, longer ones more (a third of the length, at most 3). When the word differs
 * from a candidate only in case or a C prefix, that candidate is the one answer.
 */
interface Prepared {
  readonly names: readonly string[];
  readonly lower: readonly string[];
  readonly longest: number;
}

/** The same lists (every syscall name) are asked about again and again: lowercase them once. */
const prepared = new WeakMap<object, Prepared>();

function prepare(candidates: Iterable<string>): Prepared {
  const cached = prepared.get(candidates as object);
  if (cached) return cached;
  const names = [...candidates];
  const lower = names.map((n) => n.toLowerCase());
  const p = { names, lower, longest: lower.reduce((n, c) => Math.max(n, c.length), 0) };
  // Only arrays are cached: another iterable (a Set, a generator) may change between calls.
  if (Array.isArray(candidates) && Object.isFrozen(candidates)) prepared.set(candidates, p);
  return p;
}

export function suggest(word: unknown, candidates: Iterable<string>, options: SuggestOptions = {}): string[] {
  const max = Math.max(0, Math.floor(options.max ?? 1));
  if (typeof word !== 'string' || max === 0) return [];
  const { names, lower: lowers, longest } = prepare(candidates);
  if (word.length > longest + LENGTH_MARGIN) return [];
  const target = bare(word);
  const whole = word.toLowerCase();
  const at = lowers.findIndex((c) => c === target || c === whole);
  if (at >= 0) return [names[at]!];
  const limit = Math.min(MAX_EDITS, Math.max(1, Math.floor(target.length / 3)));
  const near: { name: string; d: number }[] = [];
  for (let k = 0; k < names.length; k++) {
    const name = names[k]!;
    const lower = lowers[k]!;
    const d = options.prefix && target.length >= 3 && lower.startsWith(target) ? 0 : editDistance(target, lower, limit);
    if (d <= limit) near.push({ name, d });
  }
  return near
    .sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))
    .slice(0, max)
    .map((c) => c.name);
}

/** The single nearest candidate, or undefined. */
export function suggestOne(word: unknown, candidates: Iterable<string>, options: Omit<SuggestOptions, 'max'> = {}): string | undefined {
  return suggest(word, candidates, { ...options, max: 1 })[0];
}

/** ` (did you mean "x"?)`, ` (did you mean "x" or "y"?)`, or '' — for the end of a message. */
export function didYouMean(guesses: readonly string[], quote: (s: string) => string = (s) => `"${s}"`): string {
  return guesses.length ? ` (did you mean ${guesses.map(quote).join(' or ')}?)` : '';
}
