/**
 * The order of `LANG=C sort -n`, which DIB uses for hooks and environment.d files: compare the
 * leading number of each name (leading blanks, optional `-`, digits, optional `.` and digits; a
 * name without one counts as 0), then, for equal numbers, the bytes of the whole name.
 */

interface LeadingNumber {
  negative: boolean;
  /** Integer digits without leading zeros ('' for zero). */
  int: string;
  /** Fraction digits without trailing zeros. */
  frac: string;
}

function leadingNumber(name: string): LeadingNumber {
  let i = 0;
  while (name[i] === ' ' || name[i] === '\t') i++;
  let negative = false;
  if (name[i] === '-') {
    negative = true;
    i++;
  }
  const start = i;
  while (i < name.length && name[i]! >= '0' && name[i]! <= '9') i++;
  const int = name.slice(start, i).replace(/^0+/, '');
  let frac = '';
  if (name[i] === '.') {
    const f = i + 1;
    let j = f;
    while (j < name.length && name[j]! >= '0' && name[j]! <= '9') j++;
    frac = name.slice(f, j).replace(/0+$/, '');
  }
  if (int === '' && frac === '') negative = false; // -0 is 0, and so is "no number"
  return { negative, int, frac };
}

function compareMagnitude(a: LeadingNumber, b: LeadingNumber): number {
  if (a.int.length !== b.int.length) return a.int.length - b.int.length;
  if (a.int !== b.int) return a.int < b.int ? -1 : 1;
  if (a.frac !== b.frac) return a.frac < b.frac ? -1 : 1; // digit strings: lexical = numeric
  return 0;
}

function compareNumbers(a: LeadingNumber, b: LeadingNumber): number {
  if (a.negative !== b.negative) return a.negative ? -1 : 1;
  const m = compareMagnitude(a, b);
  return a.negative ? -m : m;
}

/** Byte order of the UTF-8 encodings (what `LANG=C sort` falls back to). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Comparator with the order of `LANG=C sort -n`. */
export function compareSortN(a: string, b: string): number {
  return compareNumbers(leadingNumber(a), leadingNumber(b)) || compareBytes(a, b);
}

/** A sorted copy, as `LANG=C sort -n` would print it. */
export function sortN(names: readonly string[]): string[] {
  return [...names].sort(compareSortN);
}
