/**
 * Checks across the whole config, after each entry passed its own: node names must be unique, and
 * a build's config must mount exactly one filesystem or ZFS dataset at /. (What must be unique
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
