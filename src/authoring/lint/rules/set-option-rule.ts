/**
 * Builds the rules that require a top-level `set` option in bash scripts (dib-lint's `sete`,
 * `setu`, `setpipefail`). `set -eu`, `set -e -u`, `set -o errexit` and `set -eu -o pipefail` all count.
 */
import { isBashScript, isDocOrData, setOptions } from '../shell-text.js';
import type { FileRule } from '../types.js';

export function setOptionRule(id: string, option: string, spelled: string): FileRule {
  return {
    id,
    severity: 'error',
    origin: 'dib-lint',
    scope: 'file',
    summary: `bash scripts turn on \`${spelled}\` in a \`set\` line starting in column 0`,
    check(file) {
      if (isDocOrData(file) || !isBashScript(file) || setOptions(file.lines).has(option)) return [];
      return [{ path: file.path, line: 1, message: `bash script without \`${spelled}\`; add it near the top (e.g. set -eu and set -o pipefail)` }];
    },
  };
}
