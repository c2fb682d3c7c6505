import type { ElementRule } from '../types.js';

/**
 * The structural problems a build refuses (src/elements/element-problems.ts, the same code): a
 * phase that is not a directory, an unreadable element-deps, a malformed package-installs or
 * pkg-map, an environment.d syntax error. Plain YAML/JSON syntax errors are left to yaml-valid and
 * pkg-map-json, which report the same files.
 */
export const elementStructureRule: ElementRule = {
  id: 'element-structure',
  severity: 'error',
  origin: 'tsdib',
  scope: 'element',
  summary: 'the element has none of the structural problems a build refuses (phase dirs, element-deps, package-installs, pkg-map, environment.d syntax)',
  check(element) {
    return element.structure.filter((p) => !p.syntax).map((p) => ({ path: p.file, ...(p.line === undefined ? {} : { line: p.line }), message: p.message }));
  },
};
