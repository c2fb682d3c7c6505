/**
 * Which filesystem types offline assembly can make, and why the others cannot be made faithfully
 * without a mount: one entry per filesystem type of filesystems.ts (a missing one does not compile).
 */
import { btrfsPopulator } from './populate-btrfs.js';
import { extPopulator } from './populate-ext.js';
import { swapPopulator } from './populate-swap.js';
import { vfatPopulator } from './populate-vfat.js';
import type { FilesystemType } from '../filesystems.js';
import type { FilesystemPopulator } from './populator.js';

export const OFFLINE_FILESYSTEMS: Readonly<Record<FilesystemType, FilesystemPopulator | { unsupported: string }>> = {
  ext2: extPopulator,
  ext3: extPopulator,
  ext4: extPopulator,
  vfat: vfatPopulator,
  fat: vfatPopulator,
  btrfs: btrfsPopulator,
  swap: swapPopulator,
  xfs: {
    unsupported:
      "mkfs.xfs -p (xfsprogs 6.1 here) fills xfs from a prototype file that keeps no timestamps, extended attributes (file capabilities, ACLs) or hard links and cannot name files with spaces",
  },
};

/** The populator of a filesystem type, or the reason offline assembly cannot make it. */
export function offlinePopulator(type: string): FilesystemPopulator | { unsupported: string } {
  const p = Object.hasOwn(OFFLINE_FILESYSTEMS, type) ? OFFLINE_FILESYSTEMS[type as FilesystemType] : undefined;
  return p ?? { unsupported: `offline assembly has no way to make ${type} filesystems` };
}
