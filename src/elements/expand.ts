/**
 * Dependency expansion with DIB's semantics (diskimage_builder/element_dependencies.py):
 * breadth-first over `element-deps`; an element's `element-provides` names become "provided" and
 * are never looked up as elements; two elements providing the same name, or a requested name that
 * some element provides, are conflicts; something must provide `operating-system`.
 *
 * DIB returns a set; we return the elements in the order they were first reached (requested names
 * first, then each element's deps in file order, breadth-first), without the provided names.
 * Like DIB, a virtual name expanded before its provider was seen is dropped at the end but the
 * deps it brought in stay.
 */
import { elementNotFound, elementsConflict, noOperatingSystem } from '../errors.js';
import { closestName } from './did-you-mean.js';
import type { Element } from './element.js';

export const OPERATING_SYSTEM = 'operating-system';

export interface ExpandInput {
  /** Requested names in order (base and the vm default already applied); repeats are ignored. */
  requested: readonly string[];
  /** Reads an element by name; undefined when no element has that name. */
  load(name: string): Promise<Element | undefined>;
  /** Every available element name (for "did you mean"). */
  known: Iterable<string>;
  /** Printed with "not found" errors: where elements were searched. */
  searchPath?: readonly string[];
}

export interface Expansion {
  elements: Element[];
  /** Each provided name and the element providing it. */
  providedBy: Map<string, string>;
}

function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

export async function expandElements(input: ExpandInput): Promise<Expansion> {
  const requested = [...new Set(input.requested)];
  const order: string[] = [...requested];
  const inFinal = new Set(requested);
  const queue: string[] = [...requested];
  const providedBy = new Map<string, string>();
  const requiredBy = new Map<string, string>();
  const loaded = new Map<string, Element>();

  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    if (providedBy.has(name)) continue;
    const element = await input.load(name);
    if (!element) throw notFound(name, requiredBy.get(name), input);
    loaded.set(name, element);
    for (const p of element.provides) {
      const other = providedBy.get(p);
      if (other !== undefined) {
        throw elementsConflict(`elements '${other}' and '${name}' both provide '${p}'`, {
          elements: [other, name],
          hint: `use only one element that provides '${p}'`,
        });
      }
      providedBy.set(p, name);
    }
    for (const dep of element.deps) {
      if (inFinal.has(dep)) continue;
      inFinal.add(dep);
      order.push(dep);
      requiredBy.set(dep, name);
      if (!providedBy.has(dep)) queue.push(dep);
    }
  }

  const clashes = requested.filter((n) => providedBy.has(n));
  if (clashes.length > 0) {
    const pairs = clashes.map((c) => `'${c}' is provided by '${providedBy.get(c)}'`);
    throw elementsConflict(`requested ${clashes.length === 1 ? 'name' : 'names'} ${quoteList(clashes)} already provided by another element`, {
      elements: clashes.flatMap((c) => [c, providedBy.get(c)!]),
      details: pairs.slice(0, 2),
      hint: 'drop the provided name from the element list; the providing element stands in for it',
    });
  }
  if (!providedBy.has(OPERATING_SYSTEM)) {
    throw noOperatingSystem(`no element provides '${OPERATING_SYSTEM}' (requested: ${requested.join(' ')})`, {
      elements: requested,
      hint: 'add an operating-system element such as debian, ubuntu, centos or fedora',
    });
  }
  const elements = order.filter((n) => !providedBy.has(n)).map((n) => loaded.get(n)!);
  return { elements, providedBy };
}

function notFound(name: string, parent: string | undefined, input: ExpandInput) {
  const suggestion = closestName(name, input.known);
  return elementNotFound(`element '${name}' not found${parent ? ` (listed in element-deps of '${parent}')` : ''}`, {
    element: name,
    ...(parent ? { elements: [parent, name] } : { elements: [name] }),
    ...(input.searchPath ? { details: [`searched: ${input.searchPath.join(':')}`] } : {}),
    hint: suggestion ? `did you mean '${suggestion}'?` : 'check the name, or add its directory to ELEMENTS_PATH',
  });
}
