import { isScriptOrReadme } from '../shell-text.js';
import type { FileRule } from '../types.js';

export const newlineRule: FileRule = {
  id: 'newline',
  severity: 'warning',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'scripts and READMEs end with a newline',
  check(file) {
    if (!isScriptOrReadme(file) || file.text === '' || file.text!.endsWith('\n')) return [];
    return [{ path: file.path, line: file.lines.length, message: 'no newline at end of file' }];
  },
};
