/**
 * What a build knows about its phase cache: where the snapshots live, its key and, on a hit, the
 * snapshot its tree comes from. Apart from phase-cache.ts so that the build's stages (context.ts)
 * can hold it without importing the cache's code (which reads the stages).
 */
import type { CacheKeyInputs } from './cache-key.js';
import type { PhaseCacheEntry } from './cache-store.js';
import type { CheckpointDecision, CheckpointRun } from './checkpoint-state.js';

/** What step `phase cache` decided (kept on the build's stages from TreeBuild on). */
export interface PhaseCacheState {
  readonly dir: string;
  readonly key: string;
  readonly inputs: CacheKeyInputs;
  readonly group: string;
  readonly label: string;
  /** The snapshot the tree comes from: root.d … snapshot are skipped. Undefined: the tree is built, then saved at `snapshot`. */
  readonly snapshot?: PhaseCacheSnapshot;
  /** On a miss: which checkpoint the tree starts from, and the checkpoints this build saves (checkpoints.ts). */
  readonly checkpoints?: { readonly decision: CheckpointDecision; readonly run: CheckpointRun };
}

/**
 * Where a reused snapshot is unpacked: into the tree at step `restore snapshot`, or (one copy
 * fewer) straight into the mounted image at step `restore snapshot (image)`, in place of
 * `copy tree`; then the tree's size (`du -k`) recorded when it was saved stands for the tree's.
 */
export type PhaseCacheSnapshot =
  | { readonly entry: PhaseCacheEntry; readonly into: 'tree' }
  | { readonly entry: PhaseCacheEntry; readonly into: 'image'; readonly treeKiB: number };
