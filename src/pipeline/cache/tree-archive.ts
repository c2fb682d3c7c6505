/**
 * Root trees as tar archives (numeric owners, every xattr, POSIX ACLs, hard links, device nodes),
 * whole or as layers: a layer holds the entries a phase made or changed and names the ones it
 * deleted (tree-index.ts). A tree is rebuilt by applying its layers in order: each layer's
 * deletions first, then its archive.
 */
import { realpath, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { run } from '../../host/exec.js';

/** The same tar options for writing and reading. */
const TAR_TREE_OPTIONS = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls'];

export type ArchiveCompression = 'zstd' | 'none';

/** One layer of a tree: an archive and the `./`-relative paths to delete before unpacking it. */
export interface TreeLayer {
  readonly archive: string;
  readonly deletions: readonly string[];
}

/**
 * tar of `root` (all of it, or only `entries`: `./`-relative paths, parents first, not recursed
 * into), optionally through zstd.
 */
export async function createTreeArchive(root: string, file: string, kind: ArchiveCompression, entries?: readonly string[]): Promise<void> {
  const compress = kind === 'zstd' ? ['--use-compress-program=zstd -1 -T0 -q'] : [];
  const listFile = `${file}.list`;
  let what = ['.'];
  if (entries) {
    await writeFile(listFile, entries.map((e) => `${e}\0`).join(''));
    what = ['--no-recursion', '--null', '-T', listFile];
  }
  try {
    await run('tar', ['-C', root, ...TAR_TREE_OPTIONS, '--format=posix', '--pax-option=delete=atime,delete=ctime', '--warning=no-file-ignored', ...compress, '-cf', file, ...what], { step: 'phase cache: save' });
  } finally {
    if (entries) await rm(listFile, { force: true });
  }
}

export async function extractTree(file: string, root: string): Promise<void> {
  const decompress = file.endsWith('.zst') ? ['--use-compress-program=zstd -d -q'] : [];
  await run('tar', ['-C', root, ...TAR_TREE_OPTIONS, '--same-permissions', '--same-owner', ...decompress, '-xf', file], { step: 'phase cache: restore' });
}

/**
 * Removes `path` (`./`-relative) below `root`. Its parent must resolve inside `root`: the paths come
 * from a walk that never follows links, so a parent that is a link now means the tree is not the one
 * the layer was made on.
 */
async function deleteInTree(root: string, path: string): Promise<void> {
  const abs = join(root, path);
  const parent = await realpath(dirname(abs)).catch(() => undefined);
  const realRoot = await realpath(root);
  if (parent === undefined) return;
  const rel = relative(realRoot, parent);
  if (rel.startsWith('..') || rel.startsWith('/')) throw new Error(`layer deletion ${path} leads out of the tree`);
  await rm(join(parent, abs.slice(dirname(abs).length + 1)), { recursive: true, force: true });
}

/** Rebuilds a tree in `root` from its layers, oldest first. */
export async function applyLayers(layers: readonly TreeLayer[], root: string): Promise<void> {
  for (const layer of layers) {
    for (const path of layer.deletions) await deleteInTree(root, path);
    await extractTree(layer.archive, root);
  }
}
