import { isScriptOrReadme } from '../shell-text.js';
import type { FileRule } from '../types.js';
import { lineList } from '../line-list.js';

export const tabIndentRule: FileRule = {
  id: 'tabindent',
  severity: 'warning',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'scripts and READMEs indent with spaces, not tabs (one finding per file)',
  check(file) {
    if (!isScriptOrReadme(file)) return [];
    const bad = file.lines.flatMap((l, i) => (/^ *\t/.test(l) ? [i + 1] : []));
    return bad.length === 0 ? [] : [{ path: file.path, line: bad[0]!, message: `tab in indentation; indent with spaces (${lineList(bad)})` }];
  },
};
