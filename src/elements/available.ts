/** `tsdib elements`: every element the search path offers, with the first line of its README. */
import { discoverElements, elementSearchPath } from './discover.js';
import { readElement } from './element.js';
import { readReadmeSummary } from './readme.js';

export interface AvailableElement {
  name: string;
  path: string;
  summary: string | undefined;
  /** Same-named element directories this one hides (later in the search path). */
  hides: string[];
}

export async function listAvailableElements(opts: { elementsPath?: string; builtinDir?: string }): Promise<AvailableElement[]> {
  const found = await discoverElements(elementSearchPath(opts.elementsPath ?? process.env['ELEMENTS_PATH'], opts.builtinDir));
  const names = [...found.byName.keys()].sort();
  return Promise.all(
    names.map(async (name) => {
      const f = found.byName.get(name)!;
      const element = await readElement(f).catch(() => undefined);
      return { name, path: f.path, summary: await readReadmeSummary(element?.readme), hides: f.hides };
    }),
  );
}
