/**
 * swap: mkswap writes its header into a scratch file of the region's size (it has no offset
 * option), which is copied into the image without its holes (only the header page has data).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../host/exec.js';
import { mkfsCommand } from '../filesystems.js';
import { copyIntoImage, createScratchFile } from './copy-into-image.js';
import type { FilesystemPopulator } from './populator.js';

export const swapPopulator: FilesystemPopulator = {
  hostCommands: ['mkswap'],
  async populate(fs, _source, ctx) {
    const scratch = join(ctx.scratchDir, `${fs.name}.swap`);
    await createScratchFile(scratch, fs.size);
    try {
      const { cmd, args } = mkfsCommand(fs.spec, scratch);
      await run(cmd, args, { step: 'mkswap' });
      await copyIntoImage(scratch, ctx.image, fs.offset, fs.size);
    } finally {
      await rm(scratch, { force: true });
    }
  },
};
