/**
 * DIB's merged hooks tree (TMP_HOOKS_PATH, /tmp/in_target.d in the chroot): every expanded
 * element's directory copied into one. Sub-directories merge (a later element's file replaces an
 * earlier one's, as `cp -a` does in DIB); phase hooks with the same name in two elements were
 * already rejected by the hook collector. Top-level files are copied flat, last writer wins.
 * `tests` and `__pycache__` are left out.
 */
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Element } from '../elements/element.js';

const SKIPPED = new Set(['tests', '__pycache__']);

/** Copies every element into `hooksPath`, in element order. */
export async function mergeHooksDir(elements: readonly Element[], hooksPath: string): Promise<void> {
  for (const element of elements) {
    const names = (await readdir(element.path)).sort();
    for (const name of names) {
      if (SKIPPED.has(name) || name.endsWith('.pyc')) continue;
      await cp(join(element.path, name), join(hooksPath, name), {
        recursive: true,
        force: true,
        preserveTimestamps: true,
        verbatimSymlinks: true,
      });
    }
  }
}
