/**
 * What a block-device plugin's offline step works on while the offline disk is planned (see
 * plan-from-graph.ts): the state the loop path would produce, and the disk being described.
 */
import type { LifecycleContext } from '../lifecycle/context.js';
import type { WriteTableOptions } from '../partition-table/write-table.js';
import type { OfflineDisk, OfflineFilesystem } from './offline-disk.js';

export interface OfflinePlanning {
  /** Params, entries and the typed state being filled; nothing is acquired, its release stack stays empty. */
  readonly ctx: LifecycleContext;
  /** The disk image, once its local_loop node was planned. */
  disk: OfflineDisk | undefined;
  /** Byte range of each partition (and of the disk) by node name. */
  readonly regions: Map<string, { offset: number; size: number }>;
  /** The filesystems by mkfs node name, in creation order. */
  readonly filesystems: Map<string, OfflineFilesystem>;
  /** Fixed ids for the partition table (reproducible builds). */
  readonly tableOptions: WriteTableOptions | undefined;
}
