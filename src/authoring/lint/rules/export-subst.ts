import { isCommentLine, isDocOrData } from '../shell-text.js';
import type { FileRule } from '../types.js';

/** `export FOO=$(cmd)`: the export's status (0) hides cmd's, so `set -e` cannot catch a failure. */
const EXPORT_SUBST = /(^|[\s;&|])export\s.*\$\(/;

export const exportSubstRule: FileRule = {
  id: 'export-subst',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'no `export FOO=$(cmd)`: the export hides a failing cmd from `set -e`; assign, then export',
  check(file) {
    if (file.text === undefined || isDocOrData(file)) return [];
    return file.lines.flatMap((l, i) =>
      !isCommentLine(l) && EXPORT_SUBST.test(l)
        ? [{ path: file.path, line: i + 1, message: 'export hides the exit status of $(...); split it: FOO=$(cmd) then export FOO' }]
        : [],
    );
  },
};
