/**
 * What changed in a root tree between two moments: a walk records every entry's inode, type,
 * owner, mode, size, link count and change times (never following a link), and two walks compare to the
 * entries a checkpoint layer must hold and the ones it must delete (checkpoints.ts).
 *
 * The change time moves with every write, chmod, chown, xattr or link-count change, and a file
 * replaced by rename gets a new inode; so an entry whose stamp is the same is the same entry.
 */
import { run } from '../../host/exec.js';

/** One entry of a walk: `./`-relative path → its stamp. */
export type TreeIndex = Map<string, string>;

/** The change between two walks of one tree. */
export interface TreeChange {
  /** Entries to archive, parents first: new or changed ones, and the directories whose entries were added or removed. */
  changed: string[];
  /** Entries gone, or replaced by one of another type (outermost only: a deleted directory's entries are not listed). */
  deleted: string[];
  /** The changed entries that have more than one name (hard links): tar may store another name as a link to them. */
  linked: string[];
}

/** find's view of an entry: inode, type, mode, owner, size, links, mtime, ctime (ns precision). */
const FIND_FORMAT = '%P\\0%i:%y:%m:%U:%G:%s:%n:%T@:%C@\\0';

const typeOf = (stamp: string) => stamp.split(':')[1];
const hasOtherNames = (stamp: string) => {
  const fields = stamp.split(':');
  return fields[1] !== 'd' && Number(fields[6]) > 1;
};

/**
 * Walks `root` with one `find` (a C walk: a Node one took seconds on a busy host) and stamps every
 * entry, never following a link nor leaving the filesystem of `root`.
 */
export async function indexTree(root: string): Promise<TreeIndex> {
  const out = await run('find', [root, '-xdev', '-printf', FIND_FORMAT], { step: 'checkpoint: walk' });
  const fields = out.split('\0');
  const index: TreeIndex = new Map();
  for (let i = 0; i + 1 < fields.length; i += 2) index.set(fields[i] === '' ? '.' : `./${fields[i]}`, fields[i + 1]!);
  return index;
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '.';

/** What a layer made at `now` on top of the tree at `before` must hold and delete. */
export function diffTrees(before: TreeIndex, now: TreeIndex): TreeChange {
  const deleted: string[] = [];
  const touchedDirs = new Set<string>();
  for (const [path, stamp] of before) {
    if (path === '.') continue;
    const current = now.get(path);
    if (current !== undefined && typeOf(current) === typeOf(stamp)) continue;
    // only the outermost: the parent is still there (or was itself replaced by a non-directory)
    const parent = parentOf(path);
    const parentNow = now.get(parent);
    const parentBefore = before.get(parent);
    if ((parentNow !== undefined && parentBefore !== undefined && typeOf(parentNow) === typeOf(parentBefore))) deleted.push(path);
    touchedDirs.add(parent);
  }
  const changed = new Set<string>();
  const linked: string[] = [];
  for (const [path, stamp] of now) {
    if (before.get(path) === stamp) continue;
    changed.add(path);
    if (hasOtherNames(stamp)) linked.push(path);
    if (path !== '.') touchedDirs.add(parentOf(path));
  }
  // a directory gets its own times back only when it is in the layer (tar sets them after its entries)
  for (const dir of touchedDirs) if (now.has(dir)) changed.add(dir);
  // parents first: a path sorts before every path below it
  const order = [...now.keys()].sort();
  return { changed: order.filter((p) => changed.has(p)), deleted: deleted.sort(), linked: linked.sort() };
}
