/**
 * The build seed: the one string every identifier of a reproducible image is derived from
 * (docs/reproducible.md). `--seed` wins over `TSDIB_SEED`; with neither, SOURCE_DATE_EPOCH alone
 * selects DEFAULT_SEED, so two builds with the same epoch get the same ids. With none of the three
 * the build has no seed and draws its ids at random, as before.
 */
import { envInvalid, flagInvalid, type TsdibError } from '../errors.js';

/** The seed used when SOURCE_DATE_EPOCH is set and no seed is given. */
export const DEFAULT_SEED = 'tsdib';

const SEED_RE = /^[A-Za-z0-9._:@+-]{1,128}$/;
const SEED_EXPECTED = '1 to 128 characters from A-Z a-z 0-9 . _ : @ + -';

export function isSeed(value: string): boolean {
  return SEED_RE.test(value);
}

/** `--seed`'s value checked for form (FLAG_INVALID naming --seed otherwise). */
export function seedFlag(value: string | undefined): string | undefined {
  if (value !== undefined && !isSeed(value)) throw flagInvalid({ flag: '--seed', value, expected: SEED_EXPECTED });
  return value;
}

/** The problem with TSDIB_SEED in `env`, when `--seed` does not override it. */
export function seedEnvProblem(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): TsdibError | undefined {
  const v = env['TSDIB_SEED'];
  if (flag !== undefined || v === undefined || v === '' || isSeed(v)) return undefined;
  return envInvalid({ variable: 'TSDIB_SEED', value: v, expected: SEED_EXPECTED, hint: 'unset TSDIB_SEED or use --seed' });
}

/** The build's seed from the (already checked) flag and environment; undefined: ids are random. */
export function buildSeed(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (flag !== undefined) return flag;
  const v = env['TSDIB_SEED'];
  if (v !== undefined && v !== '') return v;
  const epoch = env['SOURCE_DATE_EPOCH'];
  return epoch !== undefined && epoch !== '' ? DEFAULT_SEED : undefined;
}
