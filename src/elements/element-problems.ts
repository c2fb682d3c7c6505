/**
 * The structural problems of one element directory that make a build fail (or go wrong) later:
 * an unreadable directory, a phase or environment.d that is not a directory, element-deps or
 * element-provides that is not a regular file, a package-installs file or pkg-map that does not
 * parse or has the wrong shape, an environment.d file with a bash syntax error (`bash -n`). The
 * build refuses an element with any of them before its workspace exists, and `tsdib lint-elements`
 * reports the same list (rule element-structure), so both always agree.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { runResult } from '../host/exec.js';
import { readInputFile } from '../host/read-input-file.js';
import { packageInstallsProblems } from './package-installs-shape.js';
import { elementNameProblem } from './element-name.js';
import { ENVIRONMENT_FILE_NAME } from './hooks.js';
import { PHASES } from './phases.js';

export interface ElementProblem {
  element: string;
  /** The file or directory the problem is in, absolute. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
  /** A plain syntax error of a YAML or JSON file (lint-elements' yaml-valid and pkg-map-json rules report those too). */
  syntax?: boolean;
}

const MAX_ALIAS_COUNT = 100;

/** YAML or JSON text as data, or the first problem with it. */
function parseData(text: string, json: boolean): { data: unknown; problem?: undefined; line?: undefined } | { problem: string; line?: number; data?: undefined } {
  if (json) {
    try {
      return { data: JSON.parse(text) as unknown };
    } catch (e) {
      return { problem: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  const doc = parseDocument(text, { prettyErrors: true });
  const err = doc.errors[0];
  if (err) return { problem: `not valid YAML: ${(err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, ...(err.linePos ? { line: err.linePos[0].line } : {}) };
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown };
  } catch (e) {
    return { problem: `its YAML aliases cannot be expanded (${e instanceof Error ? e.message : String(e)})` };
  }
}

async function listProblems(element: string, file: string): Promise<ElementProblem[]> {
  const r = await readInputFile(file);
  if (r.missing) return [];
  if (r.problem !== undefined) return [{ element, file, message: `${r.problem}; it must be a text file with one element name a line` }];
  const problems: ElementProblem[] = [];
  r.text.split('\n').forEach((raw, i) => {
    const name = raw.replace(/(^|\s)#.*$/, '').trim();
    const problem = name === '' ? undefined : elementNameProblem(name);
    if (problem) problems.push({ element, file, line: i + 1, message: `element name ${JSON.stringify(name)} ${problem}` });
  });
  return problems;
}

async function dataFileProblems(element: string, file: string, json: boolean, shape: (data: unknown) => string[]): Promise<ElementProblem[]> {
  const r = await readInputFile(file);
  if (r.missing) return [];
  if (r.problem !== undefined) return [{ element, file, message: r.problem }];
  const parsed = parseData(r.text, json);
  if (parsed.problem !== undefined) return [{ element, file, message: parsed.problem, syntax: true, ...(parsed.line === undefined ? {} : { line: parsed.line }) }];
  return shape(parsed.data).map((message) => ({ element, file, message }));
}

/** DIB's pkg-map: a JSON object of family/distro/release/default maps from generic to distro package names. */
export function pkgMapProblems(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['expected a JSON object such as {"family": {"debian": {"name": "debian-name"}}}'];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`"${key}": expected an object of package-name maps, got ${JSON.stringify(value)}`);
  }
  return problems;
}

/** `bash -n` of each environment.d file: a syntax error would otherwise stop the build at its first phase. */
async function environmentProblems(element: string, dir: string, names: readonly string[]): Promise<ElementProblem[]> {
  const files = names.filter((n) => ENVIRONMENT_FILE_NAME.test(n)).sort().map((n) => join(dir, n));
  const problems: ElementProblem[] = [];
  for (const file of files) {
    if (!(await stat(file).catch(() => undefined))?.isFile()) continue;
    const r = await runResult('bash', ['-n', file], { okExitCodes: [0, 1, 2], step: 'bash -n', timeoutMs: 30_000 });
    if (r.exitCode === 0) continue;
    const first = r.stderr.split('\n').find((l) => l.trim() !== '') ?? `bash -n exited ${r.exitCode}`;
    const m = /: line (\d+): (.*)$/.exec(first);
    problems.push({ element, file, ...(m ? { line: Number(m[1]) } : {}), message: `bash syntax error: ${m ? m[2] : first}` });
  }
  return problems;
}

/** Every structural problem of the element `name` at `path`, sorted by file, then line. */
export async function elementProblems(name: string, path: string): Promise<ElementProblem[]> {
  let names: string[];
  try {
    names = (await readdir(path)).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : code === 'ENOTDIR' ? 'is not a directory' : `cannot be read (${code ?? String(e)})`;
    return [{ element: name, file: path, message: `the element directory ${why}` }];
  }
  const problems: ElementProblem[] = [];
  const present = new Set(names);
  for (const dir of [...PHASES, 'environment.d']) {
    if (!present.has(dir)) continue;
    const s = await stat(join(path, dir)).catch(() => undefined);
    if (!s?.isDirectory()) {
      problems.push({ element: name, file: join(path, dir), message: `${dir} is ${s ? 'a file' : 'a dangling link'}; it must be a directory of ${dir === 'environment.d' ? 'environment files' : 'hooks'}` });
      continue;
    }
    try {
      const entries = await readdir(join(path, dir));
      if (dir === 'environment.d') problems.push(...(await environmentProblems(name, join(path, dir), entries)));
    } catch (e) {
      problems.push({ element: name, file: join(path, dir), message: `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})` });
    }
  }
  for (const list of ['element-deps', 'element-provides']) if (present.has(list)) problems.push(...(await listProblems(name, join(path, list))));
  for (const f of ['package-installs.yaml', 'package-installs.json']) {
    if (present.has(f)) problems.push(...(await dataFileProblems(name, join(path, f), f.endsWith('.json'), packageInstallsProblems)));
  }
  if (present.has('pkg-map')) {
    const file = join(path, 'pkg-map');
    const s = await stat(file).catch(() => undefined);
    // an executable pkg-map is a program (DIB runs it), not data
    if (!s || !s.isFile() || (s.mode & 0o111) === 0) problems.push(...(await dataFileProblems(name, file, true, pkgMapProblems)));
  }
  return problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : (a.line ?? 0) - (b.line ?? 0)));
}
