/**
 * yargs reads `--checksum=maybe` (any value but true/false given to a boolean flag with `=`) as
 * false, silently. This check, run on the raw arguments once yargs has typed them, refuses it.
 */
import { takesNoValue } from './flag-values.js';

export function refuseBooleanValues(args: readonly string[], parsed: Readonly<Record<string, unknown>>): void {
  for (const arg of args) {
    if (arg === '--') return;
    const m = /^--([^=]+)=([\s\S]*)$/.exec(arg);
    if (!m) continue;
    const [, name = '', value = ''] = m;
    if (typeof parsed[name] === 'boolean' && value !== 'true' && value !== 'false') {
      throw takesNoValue(`--${name}`, value);
    }
  }
}
