/**
 * The block-device layer's shared types. A config (DIB YAML list, tree notation or early
 * list-of-levels) is normalised into a list of nodes; plugins validate nodes, give their graph
 * edges, and a backend realises them in topological order (see plugin.ts).
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
  /**
   * What the node is inside its plugin. Most plugins make one node of their own kind; a
   * `partitioning` entry makes one `partition` node per partition, an `lvm` entry makes `pv`,
   * `vg` and `lv` nodes plus one `lvm` driver node (DIB's node set, so graphs match DIB's).
   * The kinds of the built-in plugins are listed in NodeKind; a new plugin brings its own.
   */
  kind: string;
  /** Index into `BlockDeviceGraph.entries` of the config entry this node came from. */
  entry: number;
}

/** The node kinds the built-in plugins make. */
export type NodeKind = 'local_loop' | 'partition' | 'lvm' | 'pv' | 'vg' | 'lv' | 'mkfs' | 'mount' | 'fstab' | 'zpool';

/**
 * One entry of the normalised (graph-notation) config: `{plugin: {…}}` with tree nesting taken
 * apart. Entries come in DIB's order (a tree's children before their parent).
 */
export interface ConfigEntry {
  plugin: string;
  /** The entry's `name` (auto `<plugin>_<base>` in tree notation); a partitioning's name is no node. */
  name: string;
  /** The plugin's keys, with `base`/`name` filled in by the tree conversion; nested plugin keys removed. */
  config: Record<string, unknown>;
  /** Where the entry is in the user's config, e.g. `[1].partitioning.partitions[0].mkfs`. */
  configPath: string;
  /** Position in `BlockDeviceGraph.entries`. */
  index: number;
}

/** The validated block-device graph a build creates, in the order it creates it. */
export interface BlockDeviceGraph {
  /** Where the config came from (a file name or `DIB_BLOCK_DEVICE_CONFIG`). */
  source: string;
  entries: ConfigEntry[];
  /** All nodes, in config order (DIB's graph-config order). */
  nodes: ConfigNode[];
  /** `[from, to]`: `from` is created before `to` (and released after it). */
  edges: Array<[string, string]>;
  /** Node names in creation order: topological, config order breaking ties. */
  order: string[];
  /** Mount points in DIB's mount order with their mount node names (`none` for swap last-ish, as DIB sorts). */
  mountOrder: Array<{ mountPoint: string; node: string }>;
  /** Things that are accepted (DIB accepts them) but look wrong, e.g. unknown keys. */
  warnings: ConfigProblem[];
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
  /** Where rootFsType / rootLabel came from when the user set them (a problem then names the variable or flag). */
  rootParamOrigins?: { type?: RootParamOrigin; label?: RootParamOrigin };
  /** The config of an image build: it must mount exactly one filesystem (or ZFS dataset) at `/`, and keep its disk images in the workspace. */
  forBuild?: boolean;
  /** The build seed: filesystem ids and the partition table's ids are derived from it (reproducible images); none: random. */
  seed?: string;
  /** SOURCE_DATE_EPOCH: the time mkfs writes into the filesystems it makes (offline assembly). */
  sourceDateEpoch?: number;
}

/** The variable or flag a root filesystem setting came from. */
export interface RootParamOrigin {
  name: string;
  value: string;
  kind: 'env' | 'flag';
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
