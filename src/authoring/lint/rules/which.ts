import { isCommentLine, isDocOrData } from '../shell-text.js';
import type { FileRule } from '../types.js';

/** `which` where a command starts: line start, after ; & | ( $( ` or a keyword. */
const WHICH = /(^|[;&|(`]|\$\(|\b(then|do|else|if|while|until|!))\s*which\s/;

export const whichRule: FileRule = {
  id: 'which',
  severity: 'warning',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'use `command -v` rather than `which` (not a builtin; missing from minimal images)',
  check(file) {
    if (file.text === undefined || isDocOrData(file)) return [];
    return file.lines.flatMap((l, i) =>
      !isCommentLine(l) && WHICH.test(l) && !l.includes('dib-lint: which')
        ? [{ path: file.path, line: i + 1, message: 'use of which; use command -v (or mark the line "# dib-lint: which")' }]
        : [],
    );
  },
};
