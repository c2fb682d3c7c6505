import type { ElementRule } from '../types.js';

const README = /^README(\.(md|rst))?$/;

export const readmeRule: ElementRule = {
  id: 'readme',
  severity: 'error',
  origin: 'dib-lint',
  scope: 'element',
  summary: 'every element has a README (README.md, README.rst or README): purpose, `DIB_*` variables read, phases',
  check(element) {
    if (element.files.some((f) => README.test(f.rel))) return [];
    return [{ path: element.path, message: `element ${element.name} has no README.md; say what it does, the DIB_* variables it reads and its phases` }];
  },
};
