/**
 * What `tsdib lint-elements [PATH...]` lints. A PATH is an element directory, or a directory of
 * elements (an ELEMENTS_PATH-style entry: each subdirectory is an element). With no PATH: every
 * element of ELEMENTS_PATH and the built-in folder (hidden same-named ones left out, as a build
 * would). Element names every build could reach (search path, with their provided names) are
 * returned too, to check element-deps against.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { discoverElements, elementSearchPath } from '../../elements/discover.js';
import { elementNameProblem } from '../../elements/element-name.js';
import { readListFile } from '../../elements/list-file.js';
import { isPhase } from '../../elements/phases.js';
import { flagInvalid } from '../../errors.js';

export interface LintTarget {
  name: string;
  path: string;
}

export interface LintTargets {
  targets: LintTarget[];
  /** Names on the search path and the names their elements provide. */
  searchPathNames: string[];
}

const MARKER_FILES = /^(element-deps|element-provides|package-installs\.(yaml|json)|pkg-map|block-device-.+\.yaml)$/;

async function entries(dir: string): Promise<Array<{ name: string; isDir: boolean }>> {
  const names = (await readdir(dir)).sort();
  return Promise.all(names.map(async (name) => ({ name, isDir: (await stat(join(dir, name)).catch(() => undefined))?.isDirectory() ?? false })));
}

/** Whether `dir` has what only an element has (a phase dir, environment.d, element-deps…). */
async function hasElementMarkers(dir: string): Promise<boolean> {
  return (await entries(dir)).some((e) => (e.isDir ? isPhase(e.name) || e.name === 'environment.d' : MARKER_FILES.test(e.name)));
}

async function subElements(dir: string): Promise<LintTarget[]> {
  const subdirs = (await entries(dir)).filter((e) => e.isDir && !e.name.startsWith('.') && e.name !== '__pycache__' && !elementNameProblem(e.name));
  return Promise.all(subdirs.map(async (e) => ({ name: e.name, path: await realpath(join(dir, e.name)) })));
}

async function targetsOf(arg: string): Promise<LintTarget[]> {
  const dir = resolve(arg);
  const s = await stat(dir).catch(() => undefined);
  if (!s?.isDirectory()) {
    throw flagInvalid({
      flag: 'lint-elements',
      value: arg,
      problem: s ? 'not a directory' : 'no such directory',
      path: dir,
      hint: 'give element directories or directories of elements',
    });
  }
  const real = await realpath(dir);
  if (await hasElementMarkers(real)) return [{ name: basename(real), path: real }];
  const subs = await subElements(real);
  const withMarkers = await Promise.all(subs.map(async (t) => ((await hasElementMarkers(t.path)) ? t : undefined)));
  // a directory of elements if any subdirectory looks like one; else (e.g. a new element with only a README) an element
  return withMarkers.some((t) => t !== undefined) ? subs : [{ name: basename(real), path: real }];
}

async function searchPathNames(elementsPath: string | undefined, builtinDir: string | undefined): Promise<{ names: string[]; all: LintTarget[] }> {
  const found = await discoverElements(elementSearchPath(elementsPath, builtinDir));
  const all = [...found.byName.values()].map((f) => ({ name: f.name, path: f.path }));
  const provided = await Promise.all(all.map((t) => readListFile(join(t.path, 'element-provides')).catch(() => [] as string[])));
  return { names: [...all.map((t) => t.name), ...provided.flat()], all };
}

export async function findLintTargets(paths: readonly string[], opts: { elementsPath?: string; builtinDir?: string } = {}): Promise<LintTargets> {
  const search = await searchPathNames(opts.elementsPath ?? process.env['ELEMENTS_PATH'], opts.builtinDir);
  const found = paths.length === 0 ? search.all : (await Promise.all(paths.map(targetsOf))).flat();
  const seen = new Set<string>();
  const targets = found.filter((t) => !seen.has(t.path) && seen.add(t.path));
  targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.path < b.path ? -1 : 1));
  return { targets, searchPathNames: search.names };
}
