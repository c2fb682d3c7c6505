/**
 * What one build carries from step to step: the options, the plan, the release stack, and what
 * the steps made (workspace, environment, block device, image size, outputs).
 */
import type { BlockDeviceSession } from '../blockdevice/lifecycle.js';
import type { BlockDeviceGraph } from '../blockdevice/types.js';
import type { BuildOptions } from './options.js';
import type { Plan } from '../elements/plan.js';
import type { ReleaseStack } from '../host/release-stack.js';
import type { ManifestPackage } from '../output/manifest.js';
import type { OutputResult } from '../output/write-outputs.js';
import type { ChrootSession } from './chroot.js';
import type { ImageSize } from './image-size.js';
import type { PhaseCacheState } from './phase-cache-state.js';
import type { Workspace } from './workspace.js';

export interface BuildContext {
  readonly opts: BuildOptions;
  readonly release: ReleaseStack;
  /** The caller's environment (process.env unless a test passes its own). */
  readonly hostEnv: Readonly<Record<string, string | undefined>>;
  /** Built-in elements folder override (tests). */
  readonly builtinDir?: string;
  plan?: Plan;
  /** The plan key (plan-key.ts): a content hash of every input that shapes the image. */
  planKey?: string;
  /** The block-device config text and where it came from. */
  blockDeviceConfig?: { text: string; source: string };
  workspace?: Workspace;
  /** The variables every hook sees (see environment.ts). */
  env?: Record<string, string>;
  /** The variables after sourcing every environment.d file (DISTRO_NAME, DIB_RELEASE, …). */
  sourcedEnv?: Record<string, string>;
  /** DIB_IMAGE_CACHE */
  imageCache?: string;
  chroot?: ChrootSession;
  /** The apt archive cache the chroot's downloads go back to (see apt-cache.ts). */
  aptCacheDir?: string;
  /** The phase cache's key and whether the tree came from a snapshot (see phase-cache.ts). */
  phaseCache?: PhaseCacheState;
  imageSize?: ImageSize;
  graph?: BlockDeviceGraph;
  blockDevice?: BlockDeviceSession;
  outputs: OutputResult[];
  /** The finished tree's installed packages (step `package list`). */
  packages?: ManifestPackage[];
  /** Where step `manifest` wrote `<-o>.manifest.json`. */
  manifest?: string;
  /** `--push`: the reference pushed and the manifest digest (destination-steps.ts). */
  pushed?: { ref: string; digest: string };
}

export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`internal: ${what} is not ready at this step`);
  return value;
}
