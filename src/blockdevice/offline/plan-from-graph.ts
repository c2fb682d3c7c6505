/**
 * From a validated block-device graph to the disk offline assembly writes, plus the block-device
 * state the loop path would have produced (filesystems, mounts in mount order, fstab lines), so
 * hooks and the build see the same values (DIB_ROOT_LABEL, fstab…) either way.
 *
 * Offline assembly is the second backend of the block-device plugins: each node is planned by its
 * plugin's `offline.plan` (the same object that holds its schema, checks and loop-path steps), in
 * creation order, reusing the kind's own pieces — the disk's size and block size, the partition
 * layout, each filesystem's type, label, UUID and opts (UUIDs drawn once here) and the fstab
 * lines. A "device" in the state is the image file for the disk and `IMAGE@@OFFSET` for a
 * partition (mtools' notation): there is no block device.
 *
 * What needs a kernel block device is refused here with the plugin's reason, before anything is
 * written: LVM (device-mapper) and ZFS pools (a pool is made by the zfs daemon on a device), and a
 * second disk image.
 */
import { blockDeviceFailed } from '../../errors.js';
import { ReleaseStack } from '../../host/release-stack.js';
import { LifecycleContext } from '../lifecycle/context.js';
import type { WriteTableOptions } from '../partition-table/write-table.js';
import { pluginOf, PLUGINS, type BlockDevicePlugins } from '../plugins/index.js';
import type { BlockDeviceGraph, BlockDeviceParams, BlockDeviceState } from '../types.js';
import type { OfflineDisk } from './offline-disk.js';
import type { OfflinePlanning } from './planning.js';

export interface OfflinePlan {
  disk: OfflineDisk;
  /** As the loop path's state: `blockdev`, `filesys`, `mounts` (paths inside the tree) and `fstab`. */
  state: BlockDeviceState;
}

/**
 * The offline disk of `graph`. `params.mountBase` is the root tree (mount paths in the state point
 * into it); `tableOptions` fixes the partition table's ids (reproducible builds); `plugins` is the
 * table of kinds (PLUGINS unless a test brings its own).
 */
export async function planOfflineDisk(
  graph: Pick<BlockDeviceGraph, 'nodes' | 'entries' | 'order'>,
  params: BlockDeviceParams,
  tableOptions: WriteTableOptions | undefined = params.seed === undefined ? undefined : { seed: params.seed },
  plugins: BlockDevicePlugins = PLUGINS,
): Promise<OfflinePlan> {
  const byName = new Map(graph.nodes.map((n) => [n.name, n]));
  const nodes = graph.order.map((name) => byName.get(name)!).filter(Boolean);
  // the context only carries state here: nothing is acquired, so its release stack stays empty
  const ctx = new LifecycleContext(nodes, graph.entries, params, new ReleaseStack(), { partitionDevices: 'offset' });
  const p: OfflinePlanning = { ctx, disk: undefined, regions: new Map(), filesystems: new Map(), tableOptions };
  for (const node of nodes) {
    const offline = pluginOf(node, plugins).offline;
    if ('refused' in offline) {
      throw blockDeviceFailed(`${node.configPath || node.name}: ${offline.what} "${node.name}" cannot be assembled offline: ${offline.refused}`, {
        node: node.name,
        hint: 'build as root on loop devices (the loop path: tsdib without --offline-assembly)',
      });
    }
    await offline.plan(node, p);
  }
  if (!p.disk) throw blockDeviceFailed('the block-device config has no local_loop disk image to assemble');
  p.disk.filesystems = [...p.filesystems.values()];
  return { disk: p.disk, state: ctx.state };
}
