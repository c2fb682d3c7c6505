import type { FileRule } from '../types.js';

export const pkgMapJsonRule: FileRule = {
  id: 'pkg-map-json',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'file',
  summary: 'a (non-executable) `pkg-map` file parses as JSON',
  check(file) {
    if (!/(^|\/)pkg-map$/.test(file.rel) || file.executable || file.text === undefined) return [];
    try {
      JSON.parse(file.text);
      return [];
    } catch (e) {
      return [{ path: file.path, message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }];
    }
  },
};
