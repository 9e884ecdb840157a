/**
 * Writes generated regions into hand-written markdown. A region is delimited by two comment
 * lines, `<!-- results:NAME -->` and `<!-- /results:NAME -->`; only what lies between them is
 * replaced, so the prose around them (docs/benchmarks.md's method, the README) is edited by hand.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const open = (name: string) => `<!-- results:${name} -->`;
const close = (name: string) => `<!-- /results:${name} -->`;
const MARKER = /<!-- (\/?)results:([\w-]+) -->/g;

/** The region names a text marks, each checked to open once and close after it opens. */
export function markedRegions(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(MARKER)) {
    const name = m[2]!;
    if (m[1]) continue;
    if (names.includes(name)) throw new Error(`region ${name} is marked twice`);
    const end = text.indexOf(close(name), m.index);
    if (end < 0) throw new Error(`region ${name} opens with ${open(name)} but has no ${close(name)} after it`);
    names.push(name);
  }
  for (const m of text.matchAll(MARKER)) {
    if (m[1] && !names.includes(m[2]!)) throw new Error(`${m[0]} closes a region that never opens`);
  }
  return names;
}

/**
 * The text with each region it marks filled from `bodies`. A marked region with no body (its
 * group was not run, or the name is misspelt) and, when `required`, a body with no region
 * are errors: the page would quietly keep an old table or lose a new one.
 */
export function fillRegions(text: string, bodies: ReadonlyMap<string, string>, required = false): string {
  const names = markedRegions(text);
  const unknown = names.filter((n) => !bodies.has(n));
  if (unknown.length) throw new Error(`no table for the marked region(s) ${unknown.join(', ')}; this run has ${[...bodies.keys()].join(', ')}`);
  const unmarked = [...bodies.keys()].filter((n) => !names.includes(n));
  if (required && unmarked.length) throw new Error(`no ${unmarked.map(open).join(', ')} … ${unmarked.map(close).join(', ')} to write into`);
  let out = text;
  for (const name of names) {
    const start = out.indexOf(open(name)) + open(name).length;
    const end = out.indexOf(close(name), start);
    out = `${out.slice(0, start)}\n\n${bodies.get(name)!.trim()}\n\n${out.slice(end)}`;
  }
  return out;
}

/** Rewrites the regions of a file in place; with `required`, the file must mark every region of `bodies`. */
export function updateRegions(path: string, bodies: ReadonlyMap<string, string>, required = false): void {
  const before = readFileSync(path, 'utf8');
  const after = fillRegions(before, bodies, required);
  if (after !== before) writeFileSync(path, after);
}
