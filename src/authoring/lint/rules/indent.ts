import { isDocOrData, isPythonScript, shebang } from '../shell-text.js';
import type { FileRule } from '../types.js';
import { lineList } from '../line-list.js';

/** Leading spaces that are not a multiple of four. */
const BAD_INDENT = /^( {4})* {1,3}[^ ]/;

export const indentRule: FileRule = {
  id: 'indent',
  severity: 'warning',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'shell scripts indent by multiples of 4 spaces (one finding per file, at the first such line)',
  check(file) {
    if (isDocOrData(file) || shebang(file) === undefined || isPythonScript(file)) return [];
    const bad = file.lines.flatMap((l, i) => (BAD_INDENT.test(l) ? [i + 1] : []));
    return bad.length === 0 ? [] : [{ path: file.path, line: bad[0]!, message: `indent is not a multiple of 4 spaces (${lineList(bad)})` }];
  },
};
