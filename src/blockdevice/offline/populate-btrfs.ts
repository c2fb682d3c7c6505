/**
 * btrfs: mkfs.btrfs cannot write at an offset, so it makes the filesystem in a scratch file of the
 * region's size (`--rootdir SOURCE` fills it), which is then copied into the image without its
 * holes. btrfs-progs 6.2 (Debian 12) keeps owners, modes, xattrs, ACLs and hard links but writes
 * every device node as 0:0 and allocates sparse files in full (both seen here): a tree with device
 * nodes is refused (a rootless tree has none; the loop path keeps them).
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { run } from '../../host/exec.js';
import { mkfsCommand } from '../filesystems.js';
import { copyIntoImage, createScratchFile } from './copy-into-image.js';
import { findDeviceNodes } from './tree-scan.js';
import type { FilesystemPopulator } from './populator.js';

export const btrfsPopulator: FilesystemPopulator = {
  hostCommands: ['mkfs.btrfs'],
  async check(fs, source) {
    if (source === undefined) return [];
    const nodes = await findDeviceNodes(source, 3);
    if (nodes.length === 0) return [];
    return [
      `btrfs ${fs.name} (${fs.mountPoint ?? 'not mounted'}): the tree holds device nodes (${nodes.join(', ')}${nodes.length === 3 ? ', …' : ''}), which mkfs.btrfs --rootdir writes as 0:0`,
    ];
  },
  async populate(fs, source, ctx) {
    const scratch = join(ctx.scratchDir, `${fs.name}.btrfs`);
    await createScratchFile(scratch, fs.size);
    try {
      const args = mkfsCommand(fs.spec, scratch).args;
      if (source !== undefined) args.splice(args.length - 1, 0, '--rootdir', source);
      await run('mkfs', args, { step: 'mkfs btrfs --rootdir' });
      await copyIntoImage(scratch, ctx.image, fs.offset, fs.size);
    } finally {
      await rm(scratch, { force: true });
    }
  },
};
