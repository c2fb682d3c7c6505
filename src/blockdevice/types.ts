/**
 * The block-device layer's shared types. A config (DIB YAML list, tree notation or early
 * list-of-levels) is normalised into a list of nodes; plugins validate nodes, give their graph
 * edges, and create/umount/cleanup them in topological order (umount/cleanup in reverse).
 */
import type { ReleaseStack } from '../host/release-stack.js';

/** One node of the normalised graph config, e.g. `{ plugin: 'mkfs', name: 'mkfs_root', base: 'root', config: {...} }`. */
export interface ConfigNode {
  plugin: string;
  name: string;
  /** Names this node sits on (most nodes: one; LVM VGs: several PVs). */
  base: string[];
  /** The plugin's own keys as written by the user (after tree → graph conversion). */
  config: Record<string, unknown>;
  /** Where the node came from in the user's config, e.g. `[2].mkfs` (for error messages). */
  configPath: string;
}

/** A problem found while validating, reported together with all others. */
export interface ConfigProblem {
  /** Path in the config, e.g. `[2].mkfs.label`. */
  path: string;
  message: string;
}

/** Values from the build that shape the block device (DIB's "params"). */
export interface BlockDeviceParams {
  /** Directory holding the raw image files (local_loop default `directory`). */
  imageDir: string;
  /** Image size in bytes when the config gives none. */
  imageSize: number;
  /** Where the root filesystem is mounted (`mount_point: /`). */
  mountBase: string;
  /** Workspace directory for state files. */
  buildDir: string;
  rootFsType: string;
  rootLabel: string | undefined;
  rootFsOpts: string | undefined;
}

/** What the created block device looks like, saved to `<buildDir>/block-device/state.json`. */
export interface BlockDeviceState {
  /** Devices by node name: loop devices of disks and partitions, LVs. */
  blockdev: Record<string, { device: string; image?: string; offset?: number; size?: number }>;
  filesys: Record<string, { uuid: string; label: string; fstype: string; opts: string[]; device: string }>;
  /** Mount point → node name and host path, in mount order. */
  mounts: Array<{ mountPoint: string; node: string; path: string; fstype: string }>;
  /** fstab lines in mount order. */
  fstab: string[];
}
