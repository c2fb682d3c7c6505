/**
 * Reading a flag's value as the user typed it. Numeric flags are declared as strings to yargs so a
 * bad value is reported as typed ("--cpus abc: …", not "--cpus NaN"), then judged by a NumberRule.
 */
import { flagInvalid, type TsdibError } from '../errors.js';
import { numberProblem, type NumberRule } from '../pipeline/number-rules.js';

export type RawArgv = Record<string, unknown>;

/** The last value of a flag given once or several times (DIB: the last one wins). */
export function lastString(argv: RawArgv, key: string, flag: string): string | undefined {
  let v = argv[key];
  if (Array.isArray(v)) v = v[v.length - 1];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'boolean' ? '' : String(v);
  if (s.trim() === '') throw flagInvalid({ flag, problem: 'needs a value' });
  return s;
}

export function numberFlag(argv: RawArgv, key: string, flag: string, rule: NumberRule): number | undefined {
  const s = lastString(argv, key, flag);
  if (s === undefined) return undefined;
  const problem = numberProblem(s, rule);
  if (problem) throw flagInvalid({ flag, value: s, problem });
  return Number(s);
}

/** The limits of the numeric flags of boot, test and worker (the build's are NUMBER_RULES). */
export const COMMAND_NUMBER_RULES = {
  cpus: { integer: true, min: 1, max: 255, why: "qemu's x86 machine takes at most 255 CPUs", unit: 'guest CPUs' },
  seconds: { min: 0, minExclusive: true, max: 7 * 24 * 3600, why: 'a week', unit: 'seconds' },
  concurrency: { integer: true, min: 1, max: 64, why: 'builds at once on one machine; more is a typo', unit: 'builds' },
  lockSeconds: { min: 2, max: 3600, why: 'an hour: longer delays the take-over of a dead worker\'s job', unit: 'seconds' },
} as const satisfies Record<string, NumberRule>;

/** `--flag=VALUE` given to a flag that is on or off. */
export function takesNoValue(flag: string, value: string): TsdibError {
  return flagInvalid({ flag, value, problem: `takes no value (give ${flag} alone to turn it on)` });
}

/** A control character (a newline above all) in a path: refused in -o, --logfile and --json-events. */
export const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/** A path with a control character: it would break the log lines and checksum files that name it. */
export function controlCharacter(flag: string, path: string): TsdibError {
  return flagInvalid({ flag, value: path, problem: 'the path has a control character (e.g. a newline); use printable characters only' });
}
