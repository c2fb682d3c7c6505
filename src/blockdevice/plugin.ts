/**
 * The contract of a block-device plugin: one file under `plugins/` per DIB plugin key
 * (`local_loop`, `partitioning`, `lvm`, `mkfs`, `mount`, `fstab`).
 *
 * Order of calls for one config:
 *   1. `schema` validates each entry the user wrote (ajv, after tree → graph conversion);
 *   2. `nodes(entry)` turns each entry into graph nodes;
 *   3. `check(entry, ctx)` finds semantic problems (all collected, nothing touches a disk);
 *   4. `edges(node, all)` gives each node's dependencies; the graph is sorted topologically;
 *   5. at build time `create(node)` for every node in that order, then `umount(node)` and
 *      `cleanup(node)` for every node in reverse order.
 */
import type { SchemaObject } from 'ajv';
import type { LifecycleContext } from './lifecycle/context.js';
import type { BlockDeviceParams, ConfigEntry, ConfigNode, ConfigProblem } from './types.js';

/** One dependency: `from` must exist before `to`. `path` is where the config names `from` (for "not defined" errors). */
export interface BlockDeviceEdge {
  from: string;
  to: string;
  path: string;
}

/** What `check` may look at besides its own entry. */
export interface CheckContext {
  /** Every node of the config, in config order. */
  readonly nodes: readonly ConfigNode[];
  /** The first node of each name. */
  readonly byName: ReadonlyMap<string, ConfigNode>;
  readonly entries: readonly ConfigEntry[];
  readonly params: Partial<BlockDeviceParams>;
  /** Size in bytes of the disk node `name` (its `size`, else `params.imageSize`); undefined when not known. */
  diskSize(name: string): number | undefined;
  /** Records something accepted (DIB accepts it) that is probably a mistake. */
  warn(path: string, message: string): void;
}

export interface BlockDevicePlugin {
  /** The config key, e.g. `mkfs`. */
  readonly kind: string;
  /** One line for `docs/block-device.md`. */
  readonly description: string;
  /** JSON schema of one entry's keys (after tree → graph conversion): `additionalProperties: false`, a `description` per key. */
  readonly schema: SchemaObject;
  /** The graph nodes of one schema-valid-or-not entry; tolerant of bad values (it runs before problems are reported). */
  nodes(entry: ConfigEntry): ConfigNode[];
  /** Edges into (or out of) `node`; `all` is every node of the config, in config order. */
  edges(node: ConfigNode, all: readonly ConfigNode[]): BlockDeviceEdge[];
  /** Semantic problems of one entry that passed its schema; each names its config path. */
  check(entry: ConfigEntry, ctx: CheckContext): ConfigProblem[];
  /**
   * Called once per node of this plugin, in topological order, after every check passed. Makes
   * the node's resource (image, partition, LV, filesystem, mount, fstab line) and pushes the
   * release of everything it acquires onto `ctx.release` right after acquiring it, so a failure
   * or a signal at any later point still releases it.
   */
  create?(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
  /**
   * Called once per node in reverse topological order after the image content is written (and on
   * the way out of a failed build). Must release what makes the device busy — unmount
   * filesystems, deactivate LVs/VGs, detach partition and loop devices — and drop those entries
   * from the release stack. Must not delete the image file: it is the build's output.
   */
  umount?(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
  /**
   * Called once per node in reverse topological order after every `umount`. Releases what is
   * left (temporary directories, LVM caches, staging areas); never the raw image, which the output
   * writers still read.
   */
  cleanup?(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
}

/** A node of `entry` with the common fields filled in. */
export function makeNode(entry: ConfigEntry, fields: Pick<ConfigNode, 'name' | 'kind' | 'base' | 'config' | 'configPath'>): ConfigNode {
  return { plugin: entry.plugin, entry: entry.index, ...fields };
}

/** `value` if it is a non-empty string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `value` as a plain object, else undefined. */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
