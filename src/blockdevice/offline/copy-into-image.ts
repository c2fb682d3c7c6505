/**
 * Copies a file into a region of a disk image without filling the holes: the file is read once
 * by the shared sparse-aware reader (holes from the extent map are skipped, zero granules are not
 * written), and its data runs are written at `offset` in the image, which is opened r+ and never
 * truncated. For filesystems whose mkfs cannot write at an offset (btrfs, swap).
 */
import { closeSync, openSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { blockDeviceFailed } from '../../errors.js';
import { writeDataRuns } from '../../output/raw.js';
import { pumpRawImage } from '../../output/raw-reader.js';

export async function copyIntoImage(source: string, image: string, offset: number, regionSize: number): Promise<{ dataBytes: number }> {
  const size = (await stat(source)).size;
  if (size > regionSize) throw blockDeviceFailed(`${source} has ${size} bytes, more than its ${regionSize}-byte region in ${image}`);
  const fd = openSync(image, 'r+');
  try {
    const summary = await pumpRawImage(source, [
      {
        granule: 4096,
        chunk: (c) => writeDataRuns(fd, c, offset),
        finish: async () => undefined,
        abort: async () => undefined,
      },
    ]);
    return { dataBytes: summary.dataBytes };
  } finally {
    closeSync(fd);
  }
}

/** A new sparse file of `size` bytes (fails if `path` exists): where mkfs tools that take no offset write. */
export async function createScratchFile(path: string, size: number): Promise<void> {
  const fh = await open(path, 'wx');
  try {
    await fh.truncate(size);
  } finally {
    await fh.close();
  }
}
