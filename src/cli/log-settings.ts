/**
 * What the terminal shows and where the whole log goes, from `-q`, `-v`, `--logfile` and DIB_QUIET,
 * with DIB's rules: DIB_QUIET=1 quiets the terminal, `--logfile` alone implies DIB_QUIET=1, and
 * DIB_QUIET=0 keeps the terminal with a log file. `-q` and `-v` win over the environment.
 */
import { envInvalid, flagInvalid } from '../errors.js';
import type { Level } from '../log.js';

export interface LogSettings {
  /** Terminal: warnings, errors and the result only. */
  quiet: boolean;
  /** The lowest level the terminal shows: info by default, detail with -v (hook output), debug with -vv. */
  level: Level;
}

export function logSettings(flags: { quiet: boolean; verbose: number; logfile: string | undefined }, env: Readonly<Record<string, string | undefined>>): LogSettings {
  if (flags.quiet && flags.verbose > 0) throw flagInvalid({ flag: '-q', problem: 'contradicts -v: give one of them' });
  const dibQuiet = env['DIB_QUIET'];
  if (dibQuiet !== undefined && dibQuiet !== '' && dibQuiet !== '0' && dibQuiet !== '1') {
    throw envInvalid({ variable: 'DIB_QUIET', value: dibQuiet, expected: '1 (quiet) or 0 (not quiet, even with --logfile)' });
  }
  const envLevel = env['TSDIB_LOG_LEVEL'];
  const level: Level = flags.verbose >= 2 ? 'debug' : flags.verbose === 1 ? 'detail' : envLevel === 'debug' || envLevel === 'detail' ? envLevel : 'info';
  if (flags.quiet) return { quiet: true, level };
  if (flags.verbose > 0) return { quiet: false, level };
  const quiet = dibQuiet === '1' || ((dibQuiet === undefined || dibQuiet === '') && flags.logfile !== undefined);
  return { quiet, level };
}
