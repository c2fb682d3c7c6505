/**
 * Output files are written under a fresh temp name and renamed into place. A new file (O_EXCL, never
 * O_TRUNC) avoids ext4's flush-on-truncate, and the final name is unlinked before the rename for the
 * same reason (reference/formats.md §0). Outputs end up mode 0644 whatever the umask.
 */
import { chmod, rename, rm, stat } from 'node:fs/promises';
import { openSync } from 'node:fs';

/** `<final>.tmp-<pid>`: the name an output is written under. */
export function tempName(finalPath: string): string {
  return `${finalPath}.tmp-${process.pid}`;
}

/** Opens a new file for writing; fails if it exists (the caller picked a fresh temp name). */
export function createNew(path: string): number {
  return openSync(path, 'wx', 0o644);
}

/** Moves a finished temp file into place with mode 0644; returns its size in bytes. */
export async function commitOutput(temp: string, finalPath: string): Promise<number> {
  await chmod(temp, 0o644);
  await rm(finalPath, { force: true });
  await rename(temp, finalPath);
  return (await stat(finalPath)).size;
}

/** Removes a temp file left by a failed writer (no error if it is not there). */
export async function discardOutput(temp: string): Promise<void> {
  await rm(temp, { force: true, recursive: true });
}
