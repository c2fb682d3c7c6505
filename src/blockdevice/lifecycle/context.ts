/**
 * What every plugin's loop-backend step (ready, create, umount, cleanup) receives: the build's params, the release stack, the typed
 * state being built, and the resources this block device holds (each also on the release stack).
 *
 * A held resource is released early by umount() — the operation runs first and the release-stack
 * entry is dropped only when it succeeded, so a failed unmount stays on the stack for releaseAll().
 */
import type { ReleaseHandle, ReleaseStack, Resource } from '../../host/release-stack.js';
import type { BlockDeviceParams, BlockDeviceState, ConfigEntry, ConfigNode } from '../types.js';

/** How partitions are made reachable: kernel partition devices (`partx -a`), offset loops, or whichever works. */
export type PartitionDeviceMode = 'auto' | 'kernel' | 'offset';

export interface LifecycleOptions {
  /** Default: `TSDIB_PARTITION_DEVICES` from the environment, else `auto`. */
  partitionDevices?: PartitionDeviceMode;
}

/** One resource held by a node: its saved description and its release-stack handle. */
export interface HeldResource {
  node: string;
  label: string;
  resource: Resource;
  handle: ReleaseHandle;
}

/** State beyond DIB's shape that umount, cleanup and `tsdib cleanup` need. */
export interface LifecycleExtras {
  /** local_loop nodes: the raw image files (kept as the build's output). */
  images: Record<string, { image: string; size: number; blockSize: number }>;
  /** Partition tables by the config entry index they come from: disk, how partitions were reached, and which node holds them. */
  partitionTables: Record<string, { disk: string; label: string; via: 'kernel' | 'offset'; partitions: string[]; holder: string }>;
  pvs: Record<string, { device: string; opts: string[] }>;
  vgs: Record<string, { devices: string[]; opts: string[] }>;
  /** Mount node name → how it is mounted (vfat without kernel support is staged on a tmpfs). */
  mountKinds: Record<string, 'mount' | 'vfat-staging' | 'swap'>;
  /** fstab node name → mount node it describes and its line. */
  fstabEntries: Record<string, { mount: string; line: string }>;
  /** Host directories made for mount points outside any mount of ours (removed by cleanup when empty). */
  createdDirs: string[];
}

export class LifecycleContext {
  readonly held: HeldResource[] = [];
  readonly state: BlockDeviceState = { blockdev: {}, filesys: {}, mounts: [], fstab: [] };
  readonly extras: LifecycleExtras = { images: {}, partitionTables: {}, pvs: {}, vgs: {}, mountKinds: {}, fstabEntries: {}, createdDirs: [] };
  readonly nodesByName: ReadonlyMap<string, ConfigNode>;
  /** Called after every hold/release, so the state file follows each acquisition. */
  onChange: () => void = () => undefined;

  constructor(
    /** The nodes in creation (topological) order. */
    readonly nodes: readonly ConfigNode[],
    /** The config entries the nodes came from (a partition table's label and align live there). */
    readonly entries: readonly ConfigEntry[],
    readonly params: BlockDeviceParams,
    readonly release: ReleaseStack,
    readonly options: Required<LifecycleOptions>,
  ) {
    this.nodesByName = new Map(nodes.map((n) => [n.name, n]));
  }

  /** Records a resource `node` acquired; its release is already on the stack (`handle`). */
  hold(node: string, label: string, resource: Resource, handle: ReleaseHandle): void {
    this.held.push({ node, label, resource, handle });
    this.onChange();
  }

  /** Resources `node` still holds, newest first (the order to release them). */
  heldBy(node: string, kind?: Resource['kind']): HeldResource[] {
    return this.held.filter((h) => h.node === node && (kind === undefined || h.resource.kind === kind)).reverse();
  }

  /**
   * Runs `undo` for a held resource, then drops it from the stack and from this context. When
   * `undo` throws, the entry stays on the stack (releaseAll() will try again) and the error propagates.
   */
  async releaseHeld(h: HeldResource, undo: () => Promise<void>): Promise<void> {
    await undo();
    this.keep(h);
  }

  /** Hands a held resource over to the caller: no release will run for it any more. */
  keep(h: HeldResource): void {
    h.handle.forget();
    const i = this.held.indexOf(h);
    if (i >= 0) this.held.splice(i, 1);
    this.onChange();
  }
}
