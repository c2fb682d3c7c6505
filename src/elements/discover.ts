/**
 * Element discovery: every directory directly inside an ELEMENTS_PATH entry is an element named
 * after it. Entries are searched in order, then the built-in `elements/` folder of this package;
 * the first directory found for a name wins and hides the later ones (whole element, no merge).
 * Unlike DIB, hidden directories and `__pycache__` are not elements.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globby } from 'globby';
import { elementsPathInvalid } from '../errors.js';
import type { ElementLocation } from './element.js';
import { elementNameProblem } from './element-name.js';

/** Directories that are never elements (DIB's own elements folder holds a Python cache). */
const NOT_ELEMENTS = new Set(['__pycache__']);

/** A discovered element and the same-named directories it hides (later in the search path). */
export interface FoundElement extends ElementLocation {
  hides: string[];
}

export interface DiscoveredElements {
  /** The directories searched, highest priority first. */
  searchPath: string[];
  /** Every element by name (the winning directory). */
  byName: Map<string, FoundElement>;
  /** Directories skipped because their name cannot be an element name. */
  ignored: string[];
}

/** The built-in elements folder: `<package root>/elements` (package root = parent of dist/ or src/). */
export function builtinElementsDir(): string {
  return fileURLToPath(new URL('../../elements', import.meta.url));
}

/**
 * The search path for `ELEMENTS_PATH` (colon-separated, may be unset): its entries in order (empty
 * entries ignored, relative ones resolved from the working directory), then the built-in folder.
 */
export function elementSearchPath(elementsPath: string | undefined, builtin: string = builtinElementsDir()): string[] {
  const entries = (elementsPath ?? '')
    .split(':')
    .filter((e) => e !== '')
    .map((e) => resolve(e));
  return [...entries, builtin];
}

async function checkEntry(dir: string, isBuiltin: boolean): Promise<boolean> {
  const s = await stat(dir).catch(() => undefined);
  if (s?.isDirectory()) return true;
  if (isBuiltin) return false; // a package without built-in elements is still usable
  throw elementsPathInvalid(`ELEMENTS_PATH entry '${dir}' ${s ? 'is not a directory' : 'does not exist'}`, {
    path: dir,
    hint: 'ELEMENTS_PATH is a colon-separated list of directories that hold element directories',
  });
}

/** Finds all elements in `searchPath` (the last entry is the built-in folder, allowed to be missing). */
export async function discoverElements(searchPath: readonly string[]): Promise<DiscoveredElements> {
  const byName = new Map<string, FoundElement>();
  const ignored: string[] = [];
  for (const [i, dir] of searchPath.entries()) {
    if (!(await checkEntry(dir, i === searchPath.length - 1))) continue;
    const names = await globby('*', { cwd: dir, onlyDirectories: true, followSymbolicLinks: true, deep: 1 });
    for (const name of names.sort()) {
      if (NOT_ELEMENTS.has(name)) continue;
      const where = resolve(dir, name);
      if (elementNameProblem(name)) {
        ignored.push(where);
        continue;
      }
      const path = await realpath(where);
      const winner = byName.get(name);
      if (!winner) byName.set(name, { name, path, hides: [] });
      else if (winner.path !== path && !winner.hides.includes(path)) winner.hides.push(path);
    }
  }
  return { searchPath: [...searchPath], byName, ignored };
}
