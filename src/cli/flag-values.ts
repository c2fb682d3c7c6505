/**
 * Reading a flag's value as the user typed it. Numeric flags are declared as strings to yargs so a
 * bad value is reported as typed ("--cpus \"abc\"", not "--cpus NaN"), then judged by a NumberRule.
 */
import { flagInvalid } from '../errors.js';
import { numberProblem, type NumberRule } from '../pipeline/number-rules.js';

export type RawArgv = Record<string, unknown>;

/** The last value of a flag given once or several times (DIB: the last one wins). */
export function lastString(argv: RawArgv, key: string, flag: string): string | undefined {
  let v = argv[key];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') throw flagInvalid(`${flag} needs a value`);
  const s = String(v);
  if (s.trim() === '') throw flagInvalid(`${flag} needs a value`);
  return s;
}

export function numberFlag(argv: RawArgv, key: string, flag: string, rule: NumberRule): number | undefined {
  const s = lastString(argv, key, flag);
  if (s === undefined) return undefined;
  const problem = numberProblem(s, rule);
  if (problem) throw flagInvalid(`${flag} ${JSON.stringify(s)}: ${problem}`);
  return Number(s);
}

/** The limits of the numeric flags of boot, test and worker (the build's are NUMBER_RULES). */
export const COMMAND_NUMBER_RULES = {
  cpus: { integer: true, min: 1, max: 255, why: "qemu's x86 machine takes at most 255 CPUs", unit: 'guest CPUs' },
  seconds: { min: 0, minExclusive: true, max: 7 * 24 * 3600, why: 'a week', unit: 'seconds' },
  concurrency: { integer: true, min: 1, max: 64, why: 'builds at once on one machine; more is a typo', unit: 'builds' },
  lockSeconds: { min: 2, max: 3600, why: 'an hour: longer delays the take-over of a dead worker\'s job', unit: 'seconds' },
} as const satisfies Record<string, NumberRule>;
