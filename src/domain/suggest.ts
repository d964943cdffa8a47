/**
 * "Did you mean": the candidates closest to a name a client got wrong (an event type, a host), so
 * an unknown name is answered with what is there instead of an empty result.
 */

/** Levenshtein distance, two rows: names here are short (event types, hostnames). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * Up to `max` candidates nearest to `name`, nearest first, compared without case (so `new_process`
 * suggests `NEW_PROCESS` first). A candidate that starts with or contains the name counts as near
 * (`NEW_PROC` -> `NEW_PROCESS`); a hostname is also compared by its short name; beyond that only candidates within a third of the name's length
 * in edits are offered, so a name unlike anything gets no suggestions rather than noise.
 */
export function closest(name: string, candidates: Iterable<string>, max = 3): string[] {
  const n = name.toLowerCase();
  const scored: { c: string; score: number }[] = [];
  for (const c of new Set(candidates)) {
    const l = c.toLowerCase();
    // A hostname is also compared by its short name (the part before the first dot).
    const short = l.split('.')[0]!;
    let score = Math.min(editDistance(n, l), short === l ? Infinity : editDistance(n, short));
    if (l === n) score = -1;
    else if (n.length >= 3 && (l.startsWith(n) || short === n)) score = Math.min(score, 0.5);
    else if (n.length >= 3 && l.includes(n)) score = Math.min(score, 1);
    if (score <= Math.max(2, Math.floor(n.length / 3))) scored.push({ c, score });
  }
  return scored.sort((x, y) => x.score - y.score || x.c.localeCompare(y.c)).slice(0, max).map((s) => s.c);
}
