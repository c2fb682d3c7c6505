/**
 * Size specs as DIB writes them (`block_device/utils.py`): a number, one optional space, a unit.
 *   KiB MiB GiB TiB = 1024ⁿ;  KB MB GB TB and K M G T = 1000ⁿ;  B or no unit = 1.
 * Units are case sensitive (`10gb`, `1kB` are errors); a missing number means 1 (`MiB` = 1048576);
 * the result is `floor(factor × number)`. Relative sizes end in `%` where DIB allows them
 * (partition sizes): `parseSizeSpec` returns them as a percentage for the caller to apply.
 */

/** Unit → factor, as DIB lists them. */
export const SIZE_UNITS: Readonly<Record<string, number>> = {
  TiB: 1024 ** 4,
  GiB: 1024 ** 3,
  MiB: 1024 ** 2,
  KiB: 1024,
  TB: 1000 ** 4,
  GB: 1000 ** 3,
  MB: 1000 ** 2,
  KB: 1000,
  T: 1000 ** 4,
  G: 1000 ** 3,
  M: 1000 ** 2,
  K: 1000,
  B: 1,
  '': 1,
};

const SIZE_RE = /^([\d.]*) ?([a-zA-Z0-9_]*)$/;
const NUMBER_RE = /^(\d+\.?\d*|\.\d+)$/;

export type SizeSpec = { bytes: number } | { percent: number };

/** Thrown by the parsers; `message` says what is wrong with the spec, for a ConfigProblem. */
export class SizeSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SizeSpecError';
  }
}

function shown(spec: unknown): string {
  return typeof spec === 'string' ? `"${spec}"` : JSON.stringify(spec) ?? String(spec);
}

/** Bytes of an absolute size spec (`"1.5 GiB"`, `"364"`, or a YAML number of bytes). */
export function parseAbsSize(spec: string | number): number {
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec) || spec < 0) throw new SizeSpecError(`size ${shown(spec)} is not a number of bytes`);
    return Math.floor(spec);
  }
  if (typeof spec !== 'string') throw new SizeSpecError(`size ${shown(spec)} must be a string such as "4GiB"`);
  const m = SIZE_RE.exec(spec);
  if (!m) throw new SizeSpecError(`size ${shown(spec)} is not <number>[ ]<unit>, e.g. "4GiB" or "512MB"`);
  const [, num = '', unit = ''] = m;
  const factor = SIZE_UNITS[unit];
  if (factor === undefined) {
    throw new SizeSpecError(`size ${shown(spec)} has unknown unit "${unit}"; units are ${Object.keys(SIZE_UNITS).filter(Boolean).join(' ')} (case sensitive)`);
  }
  if (num !== '' && !NUMBER_RE.test(num)) throw new SizeSpecError(`size ${shown(spec)}: "${num}" is not a number`);
  return Math.floor(factor * (num === '' ? 1 : Number(num)));
}

/** An absolute size, or a percentage when the spec ends in `%` (`"40%"`, `"0.5%"`). */
export function parseSizeSpec(spec: string | number): SizeSpec {
  if (typeof spec === 'string' && spec.endsWith('%')) {
    const num = spec.slice(0, -1).trim();
    if (!NUMBER_RE.test(num)) throw new SizeSpecError(`size ${shown(spec)}: "${num}" is not a number`);
    return { percent: Number(num) };
  }
  return { bytes: parseAbsSize(spec) };
}

/** DIB's `parse_rel_size_spec`: `[relative, bytes]`, a percentage taken of `total` (floored). */
export function parseRelSize(spec: string | number, total: number): [boolean, number] {
  const s = parseSizeSpec(spec);
  if ('percent' in s) return [true, Math.floor((total * s.percent) / 100)];
  return [false, s.bytes];
}
