/**
 * The limits of the build's numeric settings, one rule each, shared by their flags
 * (src/cli/build-options.ts) and their DIB_* variables (check-inputs.ts), so a value is judged
 * the same way whichever way it comes in.
 */

export interface NumberRule {
  integer?: boolean;
  min: number;
  minExclusive?: boolean;
  /** The largest sane value: more is a typo or a unit mistake, refused before any work. */
  max: number;
  /** Why `max` is the limit. */
  why: string;
  unit: string;
}

export const NUMBER_RULES = {
  imageSizeGB: { min: 0, minExclusive: true, max: 16384, why: '16 TiB, the largest sparse image file ext4 holds', unit: 'GB, e.g. 2.5' },
  imageExtraSizeMB: { min: 0, max: 16 * 1024 * 1024, why: '16 TiB, the largest sparse image file ext4 holds', unit: 'MB' },
  maxOnlineResize: { integer: true, min: 0, minExclusive: true, max: 2 ** 48, why: "2^48 blocks, ext4's largest filesystem with 4 KiB blocks", unit: 'filesystem blocks' },
  minTmpfsGB: { integer: true, min: 0, max: 1024 * 1024, why: '1 PiB of RAM', unit: 'GB' },
  mkfsJournalSizeMB: { integer: true, min: 0, minExclusive: true, max: 40000, why: 'mke2fs takes at most 10,240,000 journal blocks, 40000 MiB with 4 KiB blocks', unit: 'MB' },
} as const satisfies Record<string, NumberRule>;

export type NumberSetting = keyof typeof NUMBER_RULES;

/** tsdib's own numeric variables, which have no flag. */
export const CACHE_NUMBER_RULES = {
  TSDIB_PHASE_CACHE_KEEP: { integer: true, min: 0, minExclusive: true, max: 1000, why: 'a thousand snapshots of one element set', unit: 'snapshots per element set' },
  TSDIB_PHASE_CACHE_MAX_GIB: { min: 0, minExclusive: true, max: 1024 * 1024, why: '1 PiB', unit: 'GiB, e.g. 20' },
} as const satisfies Record<string, NumberRule>;

/** What is wrong with `value` under `rule` ("expected a whole number >= 0 (GB)", "too large; …"), or undefined. */
export function numberProblem(value: string, rule: NumberRule): string | undefined {
  const n = Number(value);
  const ok = (rule.integer ? /^\s*\d+\s*$/ : /^\s*(\d+\.?\d*|\.\d+)\s*$/).test(value) && Number.isFinite(n) && (rule.minExclusive ? n > rule.min : n >= rule.min);
  if (!ok) return `expected ${rule.integer ? 'a whole number' : 'a number'} ${rule.minExclusive ? '>' : '>='} ${rule.min} (${rule.unit})`;
  return n > rule.max ? `too large; at most ${rule.max} (${rule.why})` : undefined;
}
