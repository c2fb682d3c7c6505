// Builds element trees in a temporary directory from a small description, so tests can state a
// tree in a few lines (or load one from test/fixtures/elements/*.json).
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FileSpec = string | { text?: string; mode?: number; symlink?: string; dir?: true };

export interface ElementSpec {
  'element-deps'?: string[];
  'element-provides'?: string[];
  /** Paths relative to the element, e.g. `install.d/10-foo`; a string is the text of an executable. */
  files?: Record<string, FileSpec>;
}

/** Directory name → element name → element. */
export type TreeSpec = Record<string, Record<string, ElementSpec>>;

export interface Tree {
  root: string;
  dir(name: string): string;
  remove(): Promise<void>;
}

export async function makeTree(spec: TreeSpec): Promise<Tree> {
  const root = await mkdtemp(join(tmpdir(), 'tsdib-elements-'));
  for (const [dirName, elements] of Object.entries(spec)) {
    await mkdir(join(root, dirName), { recursive: true });
    for (const [name, e] of Object.entries(elements)) {
      const base = join(root, dirName, name);
      await mkdir(base, { recursive: true });
      if (e['element-deps']) await writeFile(join(base, 'element-deps'), `${e['element-deps'].join('\n')}\n`);
      if (e['element-provides']) await writeFile(join(base, 'element-provides'), `${e['element-provides'].join('\n')}\n`);
      for (const [rel, f] of Object.entries(e.files ?? {})) {
        const path = join(base, rel);
        await mkdir(dirname(path), { recursive: true });
        const file = typeof f === 'string' ? { text: f, mode: 0o755 } : f;
        if (file.dir) await mkdir(path, { recursive: true });
        else if (file.symlink !== undefined) await symlink(file.symlink, path);
        else {
          await writeFile(path, file.text ?? '#!/bin/bash\n');
          await chmod(path, file.mode ?? 0o644);
        }
      }
    }
  }
  return { root, dir: (name) => join(root, name), remove: () => rm(root, { recursive: true, force: true }) };
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'elements');

export async function loadFixture(name: string): Promise<{ searchPath: string[]; dirs: TreeSpec }> {
  return JSON.parse(await readFile(join(FIXTURES, name), 'utf8')) as { searchPath: string[]; dirs: TreeSpec };
}

/** A path that does not exist: "no built-in elements" for resolver tests. */
export const NO_BUILTINS = '/nonexistent/tsdib-builtin-elements';
