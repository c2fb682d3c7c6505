/**
 * Checks across the whole config, after each entry passed its own: node names must be unique, a
 * device is used by one entry only, and a build's config must mount exactly one filesystem or ZFS
 * dataset at /. (What must be unique
 * within a kind — filesystem labels, mount points — its plugin checks; edges that name no node and
 * cycles are found by graph.ts.)
 */
import { normalMountPoint } from './plugins/mount/index.js';
import { datasetMountPoints, datasetSpecs } from './plugins/zpool/datasets.js';
import type { ConfigNode, ConfigProblem } from './types.js';

export function checkUniqueness(nodes: readonly ConfigNode[]): ConfigProblem[] {
  const first = new Map<string, ConfigNode>();
  const problems: ConfigProblem[] = [];
  for (const n of nodes) {
    const f = first.get(n.name);
    if (f) problems.push({ path: `${n.configPath}.name`, message: `duplicate node name "${n.name}" (also ${f.configPath})` });
    else first.set(n.name, n);
  }
  return problems;
}

/** Exactly one mount (or ZFS dataset) at `/`: without one the tree has nowhere to go. */
export function checkRootMount(nodes: readonly ConfigNode[]): ConfigProblem[] {
  const roots: string[] = [];
  for (const n of nodes) {
    if (n.kind === 'mount' && typeof n.config['mount_point'] === 'string' && normalMountPoint(n.config['mount_point']) === '/') roots.push(`${n.configPath}.mount_point`);
    if (n.kind === 'zpool') for (const m of datasetMountPoints(datasetSpecs(n.config))) if (m.mountPoint === '/') roots.push(`${n.configPath}.datasets (${m.dataset})`);
  }
  if (roots.length === 0) return [{ path: '', message: 'nothing is mounted at /: one filesystem needs mount_point: / (or a ZFS dataset mountpoint: /) to hold the root tree' }];
  if (roots.length > 1) return roots.slice(1).map((path) => ({ path, message: `a second root: / is already mounted by ${roots[0]}` }));
  return [];
}

/** Node kinds that are a block device another entry can be made on. */
const DEVICE_KINDS: ReadonlySet<string> = new Set(['local_loop', 'partition', 'lv']);

/** How a message names what an entry makes on a device. */
function consumerName(n: ConfigNode): string {
  if (n.kind === 'partition') return 'a partition table';
  if (n.kind === 'pv' || n.kind === 'lvm') return `LVM PV "${n.name}"`;
  if (n.kind === 'zpool') return `ZFS pool "${n.name}"`;
  return `"${n.name}"`;
}

/**
 * One device (a loop disk, a partition, an LV) is used by one entry: one filesystem, one
 * partition table, one LVM PV or one ZFS pool. A second one would overwrite the first during the
 * build; it is refused here, naming both and the device.
 */
export function checkDeviceSharing(nodes: readonly ConfigNode[]): ConfigProblem[] {
  const byName = new Map<string, ConfigNode>();
  for (const n of nodes) if (!byName.has(n.name)) byName.set(n.name, n);
  const firstUser = new Map<string, ConfigNode>();
  // an entry can make several nodes on one device (an lvm entry's PV and its driver node): one message
  const reported = new Set<string>();
  const problems: ConfigProblem[] = [];
  for (const n of nodes) {
    for (const base of n.base) {
      const device = byName.get(base);
      if (!device || !DEVICE_KINDS.has(device.kind)) continue;
      const first = firstUser.get(base);
      if (!first) {
        firstUser.set(base, n);
      } else if (first.entry !== n.entry && !reported.has(`${base}\0${n.entry}`)) {
        reported.add(`${base}\0${n.entry}`);
        const path = n.kind === 'partition' ? `${n.configPath.replace(/\.partitions\[\d+\]$/, '')}.base` : `${n.configPath}.base`;
        const firstPath = first.kind === 'partition' ? first.configPath.replace(/\.partitions\[\d+\]$/, '') : first.configPath;
        problems.push({ path, message: `${consumerName(n)} and ${consumerName(first)} (${firstPath}) are both made on ${device.kind} "${base}": one device holds one filesystem, partition table, PV or pool` });
      }
    }
  }
  return problems;
}
