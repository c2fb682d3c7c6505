/**
 * Whether the build may write a file or directory at a path the user gave (-o, --logfile,
 * --json-events, the image cache): checked before any work, so a bad path is refused with the
 * reason instead of failing after a whole build. Kernel pseudo filesystems (/proc, /sys, …) and
 * /dev are refused too: root may "write" there, but nothing is stored, or something is changed.
 */
import { constants } from 'node:fs';
import { access, realpath, stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';

/** statfs magic numbers of filesystems that hold no files (linux/magic.h). */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x1cd1, 'devpts'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
]);

/** The nearest existing ancestor of `path` (itself included). */
export async function nearestExisting(path: string): Promise<{ path: string; isDir: boolean }> {
  for (let p = resolve(path); ; p = dirname(p)) {
    const s = await stat(p).catch(() => undefined);
    if (s) return { path: p, isDir: s.isDirectory() };
    if (dirname(p) === p) return { path: p, isDir: false };
  }
}

/** Why nothing may be written below the existing directory `dir`, or undefined. */
export async function pseudoFilesystemProblem(dir: string): Promise<string | undefined> {
  const real = await realpath(dir).catch(() => dir);
  if (real === '/dev' || real.startsWith('/dev/')) return `${real} is in /dev, the host's device directory`;
  const fs = await statfs(real).catch(() => undefined);
  const name = fs ? PSEUDO_FILESYSTEMS.get(Number(fs.type)) : undefined;
  return name ? `${real} is on ${name}, a kernel pseudo filesystem that stores no files` : undefined;
}

/**
 * Whether a directory can be made (if missing) and written at `dir`: the nearest existing
 * ancestor must be a writable directory on a real filesystem. Returns the problem, or undefined.
 */
export async function writableDirProblem(dir: string): Promise<string | undefined> {
  const found = await nearestExisting(dir);
  if (!found.isDir) return `${found.path} is not a directory`;
  const pseudo = await pseudoFilesystemProblem(found.path);
  if (pseudo) return pseudo;
  const writable = await access(found.path, constants.W_OK).then(
    () => true,
    () => false,
  );
  return writable ? undefined : `${found.path} is not writable`;
}

/** Whether the file `path` can be written (made or replaced): not a directory or FIFO, in an existing writable directory. */
export async function writableFileProblem(path: string): Promise<string | undefined> {
  const s = await stat(path).catch(() => undefined);
  if (s?.isDirectory()) return 'it is a directory';
  // a terminal or /dev/null is fine; a FIFO would block without a reader
  if (s && !s.isFile() && !s.isCharacterDevice()) return `it is ${s.isFIFO() ? 'a FIFO' : s.isSocket() ? 'a socket' : 'not a regular file'}`;
  if (s?.isCharacterDevice()) return undefined;
  const dir = dirname(resolve(path));
  const d = await stat(dir).catch(() => undefined);
  if (!d) return `its directory ${dir} does not exist`;
  if (!d.isDirectory()) return `${dir} is not a directory`;
  return writableDirProblem(dir);
}
