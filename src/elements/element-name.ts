/**
 * What an element name may be. DIB takes any directory name; we refuse the ones that would reach
 * outside ELEMENTS_PATH or cannot be a directory name, so a name is always safe to join to a path.
 */
import { elementInvalid } from '../errors.js';

/** Why `name` is not a usable element name, or undefined when it is. */
export function elementNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (name.includes('..') || name === '.') return 'contains ".."';
  if (/[\s\0]/.test(name)) return 'contains whitespace';
  return undefined;
}

/** Throws ELEMENT_INVALID when `name` cannot be an element name; `where` says where it came from. */
export function checkElementName(name: string, where: string): void {
  const problem = elementNameProblem(name);
  if (problem) {
    throw elementInvalid(`element name ${JSON.stringify(name)} (${where}) ${problem}`, {
      element: name,
      hint: 'element names are directory names inside an ELEMENTS_PATH entry',
    });
  }
}
