/**
 * vfat: mkfs.vfat formats a scratch file of the partition's size, mtools copies the tree into it
 * (host/vfat.ts, the same copy the loop path uses when the kernel has no vfat), and the result is
 * copied into the image without its holes. Not `mkfs.vfat --offset` on the image itself: dosfstools
 * 4.2 picks FAT32 by the size of the whole file, not of the region, and then refuses a region too
 * small for FAT32 (a 64 MiB ESP in a 1.4 GiB image, seen here); a file of the partition's size gets
 * the choice a partition device gets. Hidden sectors are the partition's start (mkfs.vfat on a loop
 * device writes 0). With SOURCE_DATE_EPOCH mkfs.vfat runs with `--invariant` (fixed times; the
 * volume id stays the seeded `-i`); file and directory times come from the tree (`mcopy -m`).
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { copyTreeIntoVfat, formatVfat } from '../../host/vfat.js';
import { copyIntoImage, createScratchFile } from './copy-into-image.js';
import type { FilesystemPopulator } from './populator.js';

const SECTOR = 512;

export const vfatPopulator: FilesystemPopulator = {
  hostCommands: ['mkfs.vfat', 'mcopy'],
  async populate(fs, source, ctx) {
    const scratch = join(ctx.scratchDir, `${fs.name}.vfat`);
    await createScratchFile(scratch, fs.size);
    try {
      await formatVfat(scratch, {
        ...(fs.spec.label === '' ? {} : { label: fs.spec.label }),
        volumeId: fs.spec.uuid,
        // mkfs.vfat 4.2 reads no SOURCE_DATE_EPOCH: the label's directory entry gets the clock's time
        invariant: ctx.sourceDateEpoch !== undefined,
        extraArgs: ['-h', String(fs.offset / SECTOR), ...fs.spec.opts],
      });
      if (source !== undefined && (await readdir(source)).length > 0) await copyTreeIntoVfat(scratch, 0, source);
      await copyIntoImage(scratch, ctx.image, fs.offset, fs.size);
    } finally {
      await rm(scratch, { force: true });
    }
  },
};
