/**
 * What a build knows about its phase cache: where the snapshot lives, its key and whether it was
 * restored. Apart from phase-cache.ts so that the build context can hold it without importing the
 * cache's code (which reads the context).
 */
import type { CacheKeyInputs } from './cache-key.js';

/** What the build decided about the phase cache (kept on the build context). */
export interface PhaseCacheState {
  dir: string;
  key: string;
  inputs: CacheKeyInputs;
  group: string;
  label: string;
  /** The snapshot was restored: root.d … leave chroot are skipped. */
  restored: boolean;
  /**
   * Set when the snapshot goes straight into the mounted image at `copy tree` (one copy fewer):
   * the archive and the tree's size (`du -k`) recorded when it was saved.
   */
  deferred?: { archive: string; treeKiB: number };
}
