/**
 * Output files are written under a fresh temp name and renamed into place. A new file (O_EXCL, never
 * O_TRUNC) avoids ext4's flush-on-truncate, and the final name is unlinked before the rename for the
 * same reason (reference/formats.md §0). Outputs end up mode 0644 whatever the umask.
 */
import { chmod, rename, rm, stat } from 'node:fs/promises';
import { openSync, writeSync } from 'node:fs';

/** `<final>.tmp-<pid>`: the name an output is written under. */
export function tempName(finalPath: string): string {
  return `${finalPath}.tmp-${process.pid}`;
}

/** The final path of a temp name made by `tempName` (a path without the suffix is returned as is). */
export function finalName(tempPath: string): string {
  return tempPath.replace(/\.tmp-\d+$/, '');
}

/** Opens a new file for writing; fails if it exists (the caller picked a fresh temp name). */
export function createNew(path: string): number {
  return openSync(path, 'wx', 0o644);
}

/**
 * Largest single write. Measured here (kernel 6.18, ext4): 1–2 MiB writes into a new file were
 * sometimes 2–5× slower for a whole run (the kernel's large page-cache folios), 64–512 KiB writes
 * never; qemu-img is spared because it writes from several threads.
 */
const MAX_WRITE = 256 * 1024;

/** Writes bytes [offset, offset + length) of `buf` at `position`, in pieces of at most MAX_WRITE. */
export function pwriteAll(fd: number, buf: Buffer, position: number, offset = 0, length = buf.length - offset): void {
  let done = 0;
  while (done < length) done += writeSync(fd, buf, offset + done, Math.min(MAX_WRITE, length - done), position + done);
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
