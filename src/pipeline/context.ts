/**
 * What one build carries from step to step, as stages that widen while `runBuild` advances: each
 * step takes the stage it needs and returns the next, so the compiler (not a run-time check)
 * proves that what a step reads was made by an earlier one.
 *
 *   BuildInput ─plan→ PlannedBuild ─workspace→ WorkspaceBuild ─hooks→ HookedBuild
 *     ─phase cache / restore snapshot / root.d … snapshot→ TreeBuild ─image size→ SizedBuild
 *     ─block device→ ImageBuild
 *
 * Stages are plain read-only objects; a later stage is the earlier one spread plus its new fields.
 * The chroot is not a stage field: `enterBuildChroot` returns it and `leaveBuildChroot` takes it.
 * The outputs, the pushed reference and the manifest are what `runBuild` returns.
 */
import type { BlockDeviceSession } from '../blockdevice/lifecycle.js';
import type { OfflineDisk } from '../blockdevice/offline/offline-disk.js';
import type { BlockDeviceGraph } from '../blockdevice/types.js';
import type { Plan } from '../elements/plan.js';
import type { ReleaseStack } from '../host/release-stack.js';
import type { ImageSize } from './image-size.js';
import type { BuildOptions } from './options.js';
import type { PhaseCacheState } from './cache/phase-cache-state.js';
import type { Workspace } from './workspace.js';

/** What a build starts from: its options, the release stack, and the caller's environment. */
export interface BuildInput {
  readonly opts: BuildOptions;
  /** Every resource any step acquires is pushed here the moment it is acquired (pipeline.ts releases it). */
  readonly release: ReleaseStack;
  /** The caller's environment (process.env unless a test passes its own). */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  /** Built-in elements folder override (tests). */
  readonly builtinDir?: string;
}

/** After step `plan`: every input is valid. */
export interface PlannedBuild extends BuildInput {
  readonly plan: Plan;
  /** The plan key (plan-key.ts): a content hash of every input that shapes the image. */
  readonly planKey: string;
  /**
   * The block-device graph, read and validated once here. Step `image size` binds it to the
   * disk's size (SizedBuild.graph); before that it serves the host-tool check, the phase cache
   * and the fixed partition sizes, none of which depends on the size.
   */
  readonly graph: BlockDeviceGraph;
}

/** After step `workspace`. */
export interface WorkspaceBuild extends PlannedBuild {
  readonly workspace: Workspace;
  /** DIB_IMAGE_CACHE, created. */
  readonly imageCache: string;
  /** The variables every hook sees (see hook-environment.ts). */
  readonly env: Record<string, string>;
}

/** After step `hooks`: the elements are merged into TMP_HOOKS_PATH. */
export interface HookedBuild extends WorkspaceBuild {
  /** The variables after sourcing every environment.d file (DISTRO_NAME, DIB_RELEASE, …). */
  readonly sourcedEnv: Record<string, string>;
}

/** After `snapshot` (or a restored snapshot): the root tree is final. */
export interface TreeBuild extends HookedBuild {
  /** The phase cache's key and where the tree came from; undefined when the cache is off (phase-cache.ts). */
  readonly phaseCache: PhaseCacheState | undefined;
}

/** After step `image size`. */
export interface SizedBuild extends TreeBuild {
  readonly imageSize: ImageSize;
}

/** After step `block device`: the disk exists and its filesystems are mounted at TMP_MOUNT_PATH. */
export interface ImageBuild extends SizedBuild {
  readonly blockDevice: BlockDeviceSession;
  /** With `--offline-assembly`: the disk `assemble` fills (its image file and table exist already). */
  readonly offlineDisk?: OfflineDisk;
}

/**
 * A stage that runs hooks: from `hooks` on. Phases after `image size` also see the disk's size,
 * and those after `block device` the disk (tree-steps.ts `phaseVariables`).
 */
export type HookStage = HookedBuild & { readonly imageSize?: ImageSize; readonly blockDevice?: BlockDeviceSession };
