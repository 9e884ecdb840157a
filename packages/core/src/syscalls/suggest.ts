/**
 * "Did you mean" for syscall names: the closest known names by edit distance.
 */

/**
 * Levenshtein distance that also counts swapping two neighbours as one edit (optimal string
 * alignment), since transposed letters are the commonest typo: `mkdri` is 1 from `mkdir`.
 */
export function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/** People paste C spellings (`__NR_openat`, `SYS_openat`); compare the bare name. */
function bare(word: string): string {
  return word.toLowerCase().replace(/^(__nr_|__pnr_|__snr_|sys_)/, '');
}

/**
 * Up to `max` candidates near `word`, nearest first (ties alphabetical). A short word may be
 * one edit off, longer ones more (a third of the length, at most 3), so the list stays useful.
 * When the word only differed in case or prefix, that one name is the answer.
 */
export function closestNames(word: string, candidates: readonly string[], max: number): string[] {
  const target = bare(word);
  if (candidates.includes(target)) return max > 0 ? [target] : [];
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  return candidates
    .map((name) => ({ name, d: editDistance(target, name) }))
    .filter((c) => c.d <= limit)
    .sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1))
    .slice(0, Math.max(0, max))
    .map((c) => c.name);
}
