/**
 * The contract of a block-device plugin: one object per DIB plugin key (`local_loop`,
 * `partitioning`, `lvm`, `mkfs`, `mount`, `fstab`, `zpool`), in one file under `plugins/` (a
 * folder for the big ones), listed once in `plugins/index.ts`. The object holds everything about
 * its kind: the schema and semantic checks of its config, and how each backend realises it.
 *
 * Order of calls for one config (loadBlockDeviceConfig, then createBlockDevice):
 *   1. `schema` validates each entry the user wrote (ajv, after tree → graph conversion);
 *   2. `nodes(entry)` turns each entry into graph nodes;
 *   3. `check(entry, ctx)` finds semantic problems (all collected, nothing touches a disk);
 *   4. `edges(node, all)` gives each node's dependencies; the graph is sorted topologically.
 * Then one backend realises the graph, node by node in that order:
 *   - the loop backend (lifecycle.ts: root, loop devices, mounts): `ready(node)` for every node,
 *     then `create(node)` for each; later `umount(node)` and `cleanup(node)` in reverse order;
 *   - offline assembly (offline/plan-from-graph.ts: an image file, no loop device, no mount):
 *     `offline.plan(node)` for each, or the refusal `offline.refused` says why the kind cannot be.
 */
import type { SchemaObject } from 'ajv';
import type { LifecycleContext } from './lifecycle/context.js';
import type { OfflinePlanning } from './offline/planning.js';
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
  /** Size in bytes of the device node `name` gives (disk, partition, LV); undefined when not known yet. */
  deviceBytes(name: string): number | undefined;
  /** Records something accepted (DIB accepts it) that is probably a mistake. */
  warn(path: string, message: string): void;
}

/** How offline assembly realises a kind: a planning step, or why it cannot (said before anything is written). */
export type OfflineRealisation =
  | {
      /** Adds `node` to the disk being planned and fills the state as `create` would. Called in creation order. */
      plan(node: ConfigNode, p: OfflinePlanning): void | Promise<void>;
    }
  | {
      /** Why a node of this kind cannot be assembled offline, e.g. "logical volumes need device-mapper on a block device". */
      refused: string;
      /** What a node of this kind is called in that message, e.g. `LVM node`. */
      what: string;
    };

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
  /** For a kind that provides a device (disk, partition, LV): its size in bytes when the config and the disk size tell it. */
  deviceBytes?(node: ConfigNode, ctx: CheckContext): number | undefined;
  /**
   * Loop backend, called for every node before any node is created: refuses (throws) what this
   * host or the build's environment cannot do (no device-mapper, a bad `DIB_BLOCK_SIZE`). The config
   * itself was checked by `check`; nodes reach the backend only from a validated graph.
   */
  ready?(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
  /**
   * Loop backend, once per node of this plugin, in topological order, after every check passed.
   * Makes the node's resource (image, partition, LV, filesystem, mount, fstab line) and pushes the
   * release of everything it acquires onto `ctx.release` right after acquiring it (and records it
   * with `ctx.hold`), so a failure or a signal at any later point still releases it.
   */
  create(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
  /**
   * Loop backend, once per node in reverse topological order after the image content is written
   * (and on the way out of a failed build). Releases what makes the device busy — unmounts
   * filesystems, deactivates LVs/VGs, detaches partition and loop devices — through
   * `ctx.releaseHeld`, which drops each entry from the release stack once it succeeded. Must not
   * delete the image file: it is the build's output.
   */
  umount?(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
  /**
   * Loop backend, once per node in reverse topological order after every `umount`. Releases what
   * is left (daemons, LVM caches); never the raw image, which the output writers still read.
   */
  cleanup?(node: ConfigNode, ctx: LifecycleContext): Promise<void>;
  /** Offline assembly (the second backend). */
  readonly offline: OfflineRealisation;
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

/** `nodes` of a kind whose entry is one node of that kind, sitting on its `base`. */
export function oneNode(kind: string): (entry: ConfigEntry) => ConfigNode[] {
  return (entry) => {
    const base = str(entry.config['base']);
    return [makeNode(entry, { name: entry.name, kind, base: base ? [base] : [], config: entry.config, configPath: entry.configPath })];
  };
}

/** The edges from each of `node`'s bases (most kinds sit on what they name in `base`). */
export function edgesFromBase(node: ConfigNode): BlockDeviceEdge[] {
  return node.base.map((b) => ({ from: b, to: node.name, path: `${node.configPath}.base` }));
}
