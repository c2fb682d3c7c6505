import { isDocOrData, shebang } from '../shell-text.js';
import type { FileRule } from '../types.js';

/** A file with a `#!` line is meant to run. (Files directly in phase dirs: see skipped-hook.) */
export const executableRule: FileRule = {
  id: 'executable',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'a file starting with `#!` must be executable (phase hooks: see `skipped-hook`)',
  check(file) {
    if (file.phase !== undefined || file.executable || isDocOrData(file) || shebang(file) === undefined) return [];
    return [{ path: file.path, line: 1, message: `has a #! line but is not executable; run: chmod +x ${file.rel}` }];
  },
};
