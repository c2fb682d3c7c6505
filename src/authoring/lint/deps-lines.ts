/**
 * The entries of an element's `element-deps` with their line numbers, read as tsdib reads the file
 * (src/elements/list-file.ts: blank lines and `#` comments ignored).
 */
import type { LintElement, LintFile } from './types.js';

export interface DepLine {
  name: string;
  line: number;
}

export function depsFile(element: LintElement): LintFile | undefined {
  return element.files.find((f) => f.rel === 'element-deps');
}

export function depLines(file: LintFile): DepLine[] {
  const out: DepLine[] = [];
  file.lines.forEach((raw, i) => {
    const name = raw.replace(/(^|\s)#.*$/, '').trim();
    if (name !== '') out.push({ name, line: i + 1 });
  });
  return out;
}
