import type { FileRule } from '../types.js';

export const sourceRepositoryNewlineRule: FileRule = {
  id: 'source-repository-newline',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: '`source-repository-*` files end with a newline (the reader drops an unterminated last line)',
  check(file) {
    if (!/(^|\/)source-repository-[^/]*$/.test(file.rel) || file.text === undefined || file.text === '' || file.text.endsWith('\n')) return [];
    return [{ path: file.path, line: file.lines.length, message: 'does not end with a newline: its last line would be ignored' }];
  },
};
