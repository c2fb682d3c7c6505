/**
 * What a build knows about its checkpoints (checkpoints.ts): what the lookup decided, and while the
 * tree is built, what it holds and where the next layer starts. Apart from checkpoints.ts so that
 * the build's stages (context.ts) can hold it without importing the code that reads the stages.
 */
import type { CacheKeyInputs } from './cache-key.js';
import type { ChainLink, TreeStep } from './checkpoint-key.js';
import type { Checkpoint } from './checkpoint-store.js';
import type { ArchiveCompression } from './tree-archive.js';
import type { TreeIndex } from './tree-index.js';

/** What the lookup found: the checkpoints to restore (oldest first), and why the next step that runs misses. */
export interface CheckpointDecision {
  chain: ChainLink[];
  restore?: Checkpoint[];
  /** The step whose checkpoint is restored (its tree is the one after that step). */
  restoredStep?: TreeStep;
  /** The first step that runs after it, and why no checkpoint of it matches. */
  miss?: { step: TreeStep; reasons: string[]; comparedWith?: string };
}

/** A build's checkpoints while its tree is built: the chain, what the tree holds, where the next layer starts. */
export interface CheckpointRun {
  readonly dir: string;
  readonly group: string;
  readonly label: string;
  readonly chain: ChainLink[];
  readonly common: CacheKeyInputs;
  readonly compression: ArchiveCompression;
  /** The walk of TMP_HOOKS_PATH right after `hooks`: what hooks add later is kept with each checkpoint. */
  readonly hooksBaseline: TreeIndex;
  /** The checkpoints the tree is made of so far, oldest first. */
  layers: string[];
  /** The tree's walk as of the last checkpoint (undefined: the tree is empty). */
  index: TreeIndex | undefined;
  /** Why no further checkpoint is saved (a save failed, or something was mounted below the tree). */
  stopped?: string;
}
