import { elementNameProblem } from '../../../elements/element-name.js';
import { depLines, depsFile } from '../deps-lines.js';
import type { ElementRule } from '../types.js';

export const depsExistRule: ElementRule = {
  id: 'deps-exist',
  severity: 'error',
  origin: 'tsdib',
  scope: 'element',
  summary: 'every `element-deps` entry names an element (or a name an element provides) found among the linted elements or on the search path',
  check(element, ctx) {
    const file = depsFile(element);
    if (!file) return [];
    return depLines(file).flatMap(({ name, line }) => {
      const problem = elementNameProblem(name);
      if (problem) return [{ path: file.path, line, message: `'${name}' cannot be an element name: it ${problem}` }];
      if (ctx.knownElements.has(name)) return [];
      return [{ path: file.path, line, message: `element '${name}' not found (searched the linted elements, ELEMENTS_PATH and the built-in elements)` }];
    });
  },
};
