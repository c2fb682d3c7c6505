/**
 * Reads a file the user gave as input (a config, an element's list or map) with limits, so that a
 * bad path is a clear problem instead of a hang or a crash: only a regular file is read (a FIFO
 * or a device would block or never end), only up to a size cap, and every failure becomes one
 * short phrase ("is a directory", "is a FIFO, not a regular file", "is 10 MiB; at most 1 MiB").
 */
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';

/** The size cap of a config file (block-device config, package-installs, pkg-map, element lists). */
export const INPUT_MAX_BYTES = 1024 * 1024;

export type InputRead = { text: string; problem?: undefined; missing?: undefined } | { text?: undefined; problem: string; missing: boolean };

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} bytes`;
}

function errnoProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read (permission denied)';
  if (code === 'ENOTDIR') return 'does not exist (a part of its path is a file)';
  if (code === 'ELOOP') return 'cannot be read (too many levels of symbolic links)';
  return `cannot be read (${code ?? String(e)})`;
}

/** The text of `path`, or why it cannot be used as an input file. Never blocks on a special file. */
export async function readInputFile(path: string, maxBytes: number = INPUT_MAX_BYTES): Promise<InputRead> {
  let s: Stats;
  try {
    s = await stat(path);
  } catch (e) {
    return { problem: errnoProblem(e), missing: (e as NodeJS.ErrnoException).code === 'ENOENT' };
  }
  if (!s.isFile()) return { problem: `is ${kindOf(s)}, not a regular file`, missing: false };
  if (s.size > maxBytes) return { problem: `is ${sizeText(s.size)}; a config file may have at most ${sizeText(maxBytes)}`, missing: false };
  try {
    // O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not wait for a writer
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const buf = Buffer.alloc(maxBytes + 1);
      let bytesRead = 0;
      for (let n = -1; n !== 0 && bytesRead < buf.length; bytesRead += n) n = (await handle.read(buf, bytesRead, buf.length - bytesRead, bytesRead)).bytesRead;
      if (bytesRead > maxBytes) return { problem: `is over ${sizeText(maxBytes)}, the most a config file may have`, missing: false };
      return { text: buf.subarray(0, bytesRead).toString('utf8') };
    } finally {
      await handle.close();
    }
  } catch (e) {
    return { problem: errnoProblem(e), missing: false };
  }
}
