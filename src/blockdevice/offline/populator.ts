/**
 * The contract of one filesystem type in offline assembly: make the filesystem in its region of
 * the image file and fill it from a directory, without a block device or a mount.
 */
import type { OfflineFilesystem } from './offline-disk.js';

export interface PopulateContext {
  /** The disk image file; the filesystem goes to `fs.offset` in it. */
  image: string;
  /** A directory for temporary files (on the same host filesystem as the workspace); emptied by the caller. */
  scratchDir: string;
  /** SOURCE_DATE_EPOCH: the time written where mkfs would write the clock's. */
  sourceDateEpoch?: number;
}

export interface FilesystemPopulator {
  /** Host commands it runs (for the host-tools check). */
  readonly hostCommands: readonly string[];
  /**
   * Problems that make this filesystem impossible to build faithfully from `source` (one line
   * each); called for every filesystem before anything is written.
   */
  check?(fs: OfflineFilesystem, source: string | undefined): Promise<string[]>;
  /** Makes the filesystem at its offset in `ctx.image`, filled from `source` (undefined: empty). */
  populate(fs: OfflineFilesystem, source: string | undefined, ctx: PopulateContext): Promise<void>;
}
