import { depLines, depsFile } from '../deps-lines.js';
import type { ElementRule } from '../types.js';

export const depsSortedRule: ElementRule = {
  id: 'deps-sorted',
  severity: 'warning',
  origin: 'dib-lint',
  scope: 'element',
  summary: '`element-deps` lists its entries in alphabetical order',
  check(element) {
    const file = depsFile(element);
    if (!file) return [];
    const deps = depLines(file);
    for (let i = 1; i < deps.length; i++) {
      const prev = deps[i - 1]!;
      const cur = deps[i]!;
      if (cur.name < prev.name) {
        return [{ path: file.path, line: cur.line, message: `not sorted alphabetically: '${cur.name}' comes after '${prev.name}'` }];
      }
    }
    return [];
  },
};
