/**
 * Reads one element for the linter: every file below its directory (symlinks followed for files,
 * not for directories; `.git`-style hidden directories and `__pycache__` left out), with its run
 * bit, its text (unless binary or over 1 MiB) and its dib-lint suppressions. Sorted by path.
 */
import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { elementProblems } from '../../elements/element-problems.js';
import { isPhase } from '../../elements/phases.js';
import { disabledRules } from './suppressions.js';
import type { LintElement, LintFile } from './types.js';

const MAX_TEXT_BYTES = 1024 * 1024;

async function readText(path: string, size: number): Promise<string | undefined> {
  if (size > MAX_TEXT_BYTES) return undefined;
  const buf = await readFile(path).catch(() => undefined);
  if (!buf || buf.includes(0)) return undefined;
  return buf.toString('utf8');
}

async function walk(dir: string, rel: string, out: Array<{ path: string; rel: string }>): Promise<void> {
  // an unreadable directory is one of the structural problems (element-problems.ts) reported for the element
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.sort()) {
    const path = join(dir, name);
    const relPath = rel === '' ? name : `${rel}/${name}`;
    const l = await lstat(path);
    if (l.isDirectory()) {
      if (!name.startsWith('.') && name !== '__pycache__') await walk(path, relPath, out);
      continue;
    }
    if (l.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isDirectory()) continue;
    out.push({ path, rel: relPath });
  }
}

export async function loadLintFile(element: string, path: string, rel: string): Promise<LintFile> {
  const s = await stat(path).catch(() => undefined);
  const isFile = s?.isFile() ?? false;
  const text = s && isFile ? await readText(path, s.size) : undefined;
  const lines = text === undefined ? [] : text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const parts = rel.split('/');
  const topDir = parts.length > 1 ? parts[0] : undefined;
  const direct = parts.length === 2 ? parts[0]! : undefined;
  return {
    element,
    path,
    rel,
    topDir,
    phase: direct !== undefined && isPhase(direct) ? direct : undefined,
    inEnvironmentDir: direct === 'environment.d',
    executable: s !== undefined && (s.mode & 0o111) !== 0,
    isFile,
    text,
    lines,
    disabled: disabledRules(lines),
  };
}

/** Reads the element named `name` at `path` (a directory). */
export async function loadLintElement(name: string, path: string): Promise<LintElement> {
  const found: Array<{ path: string; rel: string }> = [];
  await walk(path, '', found);
  const files = await Promise.all(found.map((f) => loadLintFile(name, f.path, f.rel)));
  return { name, path, files, structure: await elementProblems(name, path) };
}
