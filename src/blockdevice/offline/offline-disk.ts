/**
 * The disk an offline assembly makes: one image file, an optional partition table, and the
 * filesystems with the byte range each occupies. Offline assembly (assemble-disk.ts) writes it all
 * into the image file directly — no loop device, no mount — so it works as an ordinary user in a
 * user namespace, and cannot leak a loop device when it fails.
 */
import type { PartitionLayout } from '../partition-table/layout.js';
import type { WriteTableOptions } from '../partition-table/write-table.js';
import type { FilesystemSpec } from '../filesystems.js';

/** One filesystem of the disk and where its bytes go. */
export interface OfflineFilesystem {
  /** The mkfs node's name. */
  name: string;
  /** Type, label, UUID (vfat: volume id `XXXX-XXXX`) and the mkfs node's `opts`. */
  spec: FilesystemSpec;
  /** Byte offset of the filesystem in the image (its partition's start, or 0 for a whole-disk filesystem). */
  offset: number;
  /** Byte length of its region. */
  size: number;
  /** Absolute mount point in the image (`/`, `/boot`…); `none` for swap; undefined when not mounted. */
  mountPoint?: string;
}

export interface OfflineDisk {
  /** The local_loop node's name (`image0`). */
  name: string;
  /** Path of the image file to make. */
  image: string;
  size: number;
  sectorSize: number;
  /** The partition table, when the config has one; otherwise the filesystem covers the whole image. */
  layout?: PartitionLayout;
  /** Disk id and GUIDs of the table (given, seeded or random, see write-table.ts). */
  tableOptions?: WriteTableOptions;
  /** In creation order. */
  filesystems: OfflineFilesystem[];
}
