/**
 * Splits a root tree into one directory per filesystem without copying: the contents of each
 * mount point below `/` are moved aside (a rename, deepest mount point first) and an empty
 * directory is left in their place in the parent filesystem, as the loop path's mount points are
 * (made with mkdir, mode 0755). The parent directory keeps its times, as it does on the loop path
 * (where `cp -a` sets them). `restore()` moves everything back. With `epoch` (SOURCE_DATE_EPOCH)
 * the directories made here (the empty mount points, and a missing mount point with its missing
 * parents) get it as their times, and the existing directory they were made in keeps its own:
 * otherwise they carry the build's moment into the parent filesystem.
 */
import { lstat, mkdir, rename, rmdir, utimes } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { blockDeviceFailed } from '../../errors.js';

export interface SplitTree {
  /** Mount point → the directory holding exactly that filesystem's files. */
  sources: ReadonlyMap<string, string>;
  /** Moves the split-off contents back into the tree; safe to call twice. */
  restore(): Promise<void>;
}

const depth = (mp: string) => mp.split('/').filter(Boolean).length;

/** Path of a mount point inside the tree (`/` is the tree itself). */
export function treePath(tree: string, mountPoint: string): string {
  const rel = mountPoint.replace(/^\/+/, '');
  return rel === '' ? tree : join(tree, rel);
}

/**
 * `aside` must be an empty directory on the same filesystem as `tree` (renames, not copies).
 * `mountPoints` are absolute; `/` need not be among them.
 */
export async function splitTree(tree: string, mountPoints: readonly string[], aside: string, opts: { epoch?: number } = {}): Promise<SplitTree> {
  const pin = async (dirs: readonly string[]) => {
    if (opts.epoch !== undefined) for (const d of dirs) await utimes(d, opts.epoch, opts.epoch);
  };
  const inner = [...new Set(mountPoints.filter((m) => m !== '/'))].sort((a, b) => depth(b) - depth(a) || (a < b ? 1 : a > b ? -1 : 0));
  const moved: Array<{ mountPoint: string; from: string; to: string }> = [];
  const sources = new Map<string, string>([['/', tree]]);
  const restore = async () => {
    while (moved.length > 0) {
      const m = moved.pop()!;
      await keepingTimesOf(dirname(m.from), async () => {
        await rmdir(m.from).catch(() => undefined);
        await rename(m.to, m.from);
      });
    }
  };
  try {
    for (const [i, mp] of inner.entries()) {
      if (mp.split('/').includes('..')) throw blockDeviceFailed(`mount point ${mp} must not contain ".."`);
      const from = treePath(tree, mp);
      const to = join(aside, String(i));
      const st = await lstat(from).catch(() => undefined);
      if (st && !st.isDirectory()) throw blockDeviceFailed(`mount point ${mp} is not a directory in the tree (it is a ${st.isSymbolicLink() ? 'symbolic link' : 'file'})`);
      if (st) {
        await keepingTimesOf(dirname(from), async () => {
          await rename(from, to);
          moved.push({ mountPoint: mp, from, to });
          await mkdir(from, { mode: 0o755 });
          await pin([from]);
        });
      } else {
        await mkdir(to);
        await pin([to]);
        const existing = await nearestExisting(from);
        await keepingTimesOf(existing, async () => {
          await mkdir(from, { recursive: true, mode: 0o755 });
          const made: string[] = [];
          for (let d = from; d !== existing; d = dirname(d)) made.push(d);
          await pin(made);
        });
      }
      sources.set(mp, to);
    }
  } catch (e) {
    await restore();
    throw e;
  }
  return { sources, restore };
}

/** `path` or its nearest ancestor that exists. */
async function nearestExisting(path: string): Promise<string> {
  let d = path;
  while (!(await lstat(d).then(() => true, () => false))) d = dirname(d);
  return d;
}

/** Runs `fn`, then gives `dir` back the access and modification times it had before. */
async function keepingTimesOf(dir: string, fn: () => Promise<void>): Promise<void> {
  const st = await lstat(dir);
  try {
    await fn();
  } finally {
    await utimes(dir, st.atime, st.mtime);
  }
}
