/**
 * SOURCE_DATE_EPOCH's clamp of a tree's times (reproducible-builds convention), for the `reproducible
 * tree` step: every atime and mtime newer than the epoch becomes the epoch.
 */
import { lstat, lutimes, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Sets atime and mtime of everything under `dir` (and `dir`) that is newer than `epoch` to it;
 * symlinks themselves, never their targets. A directory's own read (readdir, under relatime) may
 * move its atime to now: it gets back the atime it had before, clamped.
 */
export async function clampTimes(dir: string, epoch: number): Promise<void> {
  const before = await lstat(dir);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await clampTimes(p, epoch);
    else await clampOne(p, epoch);
  }
  const after = await lstat(dir);
  const atime = Math.min(before.atimeMs / 1000, epoch);
  if (after.mtimeMs / 1000 > epoch || after.atimeMs / 1000 !== atime) await lutimes(dir, atime, Math.min(after.mtimeMs / 1000, epoch));
}

async function clampOne(p: string, epoch: number): Promise<void> {
  const st = await lstat(p);
  if (st.mtimeMs / 1000 > epoch || st.atimeMs / 1000 > epoch) await lutimes(p, Math.min(st.atimeMs / 1000, epoch), Math.min(st.mtimeMs / 1000, epoch));
}
