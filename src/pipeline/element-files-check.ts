/**
 * The build's check of its elements' files (element-problems.ts, shared with lint-elements):
 * every structural problem of every element in the build becomes one ELEMENT_INVALID error.
 */
import { BadInputs, elementInvalid } from '../errors.js';
import type { Element } from '../elements/element.js';
import { elementProblems } from '../elements/element-problems.js';

export async function checkElementFiles(elements: readonly Element[]): Promise<void> {
  const bad = new BadInputs();
  for (const e of elements) {
    for (const p of await elementProblems(e.name, e.path)) {
      bad.add(elementInvalid(`element ${p.element}: ${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`, { element: p.element, file: p.file }));
    }
  }
  bad.throwIfAny();
}
