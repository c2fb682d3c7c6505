/**
 * dib-lint's per-file switch: a line `# dib-lint: disable=NAME [NAME…]` (at the start of a line)
 * turns those checks off for the whole file. tsdib honours it for every rule, its own included.
 */
const DISABLE = /^# dib-lint: disable=(.*)$/;

/** The rule names a file disables. */
export function disabledRules(lines: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const line of lines) {
    const m = DISABLE.exec(line);
    if (m) for (const name of m[1]!.split(/[\s,]+/)) if (name !== '') names.add(name);
  }
  return names;
}
