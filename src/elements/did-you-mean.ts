/** "Did you mean X?" for misspelt names (elements, output types, …): the closest known name by edit distance. */
import { flagInvalid, type TsdibError } from '../errors.js';

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The known name closest to `name`, if it is close enough to be a plausible typo: at most a third
 * of the name's length (and at least 2) edits away. Ties go to the alphabetically first name.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  let best: { name: string; d: number } | undefined;
  for (const k of [...known].sort()) {
    const d = editDistance(name, k);
    if (d <= limit && (!best || d < best.d)) best = { name: k, d };
  }
  return best?.name;
}

/**
 * FLAG_INVALID for a value not among `known`: "-t qcow3: unknown output type; allowed: …", with a
 * did-you-mean hint for the known name closest to `spelt` (the value as normalised, e.g. `install.d`).
 */
export function unknownFlagValue(flag: string, value: string, what: string, known: readonly string[], spelt = value): TsdibError {
  const near = closestName(spelt, known);
  return flagInvalid({ flag, value, problem: `unknown ${what}; allowed: ${known.join(', ')}`, hint: near && `did you mean '${near}'?` });
}
