import type { FileRule } from '../types.js';

export const envExecutableRule: FileRule = {
  id: 'env-executable',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: '`environment.d` files are not executable (they are sourced, not run)',
  check(file) {
    if (!file.inEnvironmentDir || !file.executable) return [];
    return [{ path: file.path, message: `environment file is executable; it is sourced, not run: chmod -x ${file.rel}` }];
  },
};
