/**
 * Root trees as tar archives (numeric owners, every xattr, POSIX ACLs, hard links, device nodes),
 * whole or as layers: a layer holds the entries a phase made or changed and names the ones it
 * deleted (tree-index.ts). A tree is rebuilt by applying its layers in order: each layer's
 * deletions first, then its archive, less what a later layer deletes.
 */
import { realpath, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { run } from '../../host/exec.js';

/** The same tar options for writing and reading. */
const TAR_TREE_OPTIONS = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '--acls'];

export type ArchiveCompression = 'zstd' | 'none';

/** One layer of a tree: an archive and the `./`-relative paths to delete before unpacking it. */
export interface TreeLayer {
  readonly archive: string;
  readonly deletions: readonly string[];
  /**
   * The archive's entries with more than one name (tree-index.ts): never left out, another name may
   * be stored as a hard link to them. Absent (a layer from before it was recorded): the archive is
   * unpacked whole.
   */
  readonly linked?: readonly string[];
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

/**
 * Unpacks `file` into `root`, less `omit` (`./`-relative paths, each with everything below it;
 * matched literally, from the start of the entry's name).
 */
export async function extractTree(file: string, root: string, omit: readonly string[] = []): Promise<void> {
  const decompress = file.endsWith('.zst') ? ['--use-compress-program=zstd -d -q'] : [];
  // the names on stdin, one a line: tar 1.34 reads only the first name of a --null exclude list
  const exclusions = omit.length > 0 ? ['--anchored', '--no-wildcards', '--exclude-from=-'] : [];
  await run('tar', ['-C', root, ...TAR_TREE_OPTIONS, '--same-permissions', '--same-owner', ...exclusions, ...decompress, '-xf', file], {
    step: 'phase cache: restore',
    ...(omit.length > 0 ? { input: `${omit.join('\n')}\n` } : {}),
  });
}

/** tar's exclude file holds one name a line and drops a name's trailing blanks: such names are unpacked. */
const listable = (path: string) => !path.includes('\n') && !/\s$/.test(path);

/**
 * What of `layer` the `later` layers delete: not written at all, so that a tree is never bigger
 * than its end state on the way (an image sized for the finished tree has no room for the apt
 * lists a pre-install.d layer brings and a post-install.d one deletes). Entries with other names
 * (and the directories holding them) are kept: another name may be stored as a link to them.
 */
function deletedLater(layer: TreeLayer, later: readonly TreeLayer[]): string[] {
  const linked = layer.linked;
  if (!linked) return [];
  const holdsLinked = (path: string) => linked.some((l) => l === path || l.startsWith(`${path}/`));
  const omit = new Set<string>();
  for (const l of later) for (const path of l.deletions) if (listable(path) && !holdsLinked(path)) omit.add(path);
  return [...omit];
}

/**
 * Removes `path` (`./`-relative) below `realRoot` (a real path). Its parent must resolve inside the
 * root: the paths come from a walk that never follows links, so a parent that is a link now means the
 * tree is not the one the layer was made on.
 */
async function deleteInTree(realRoot: string, path: string): Promise<void> {
  const abs = join(realRoot, path);
  const parent = await realpath(dirname(abs)).catch(() => undefined);
  if (parent === undefined) return;
  const rel = relative(realRoot, parent);
  if (rel.startsWith('..') || rel.startsWith('/')) throw new Error(`layer deletion ${path} leads out of the tree`);
  await rm(join(parent, basename(abs)), { recursive: true, force: true });
}

/** Rebuilds a tree in `root` from its layers, oldest first. */
export async function applyLayers(layers: readonly TreeLayer[], root: string): Promise<void> {
  const realRoot = await realpath(root);
  for (const [i, layer] of layers.entries()) {
    for (const path of layer.deletions) await deleteInTree(realRoot, path);
    await extractTree(layer.archive, root, deletedLater(layer, layers.slice(i + 1)));
  }
}
