/**
 * What offline assembly cannot make, found in a validated graph before anything is built (the
 * build's `plan` step): a kind that needs a kernel block device (LVM, a zpool — the plugin's
 * `offline.refused`), a filesystem type with no faithful way to be filled without a mount (xfs,
 * OFFLINE_FILESYSTEMS), a second disk image. One line per problem, naming the node and why.
 */
import { pluginOf, PLUGINS, type BlockDevicePlugins } from '../plugins/index.js';
import type { BlockDeviceGraph } from '../types.js';
import { offlinePopulator } from './populators.js';

/** Every reason `graph` cannot be assembled offline (empty when it can). `rootFsType` is what an mkfs node without a type makes. */
export function offlineAssemblyProblems(graph: Pick<BlockDeviceGraph, 'nodes'>, rootFsType: string, plugins: BlockDevicePlugins = PLUGINS): string[] {
  const problems: string[] = [];
  const where = (n: { configPath: string; name: string }) => n.configPath || n.name;
  const disks = graph.nodes.filter((n) => n.kind === 'local_loop');
  if (disks.length > 1) problems.push(`${disks.map((d) => `"${d.name}"`).join(', ')}: offline assembly makes one disk image, the config has ${disks.length}`);
  for (const node of graph.nodes) {
    const offline = pluginOf(node, plugins).offline;
    if ('refused' in offline) {
      problems.push(`${where(node)}: ${offline.what} "${node.name}": ${offline.refused}`);
      continue;
    }
    if (node.plugin !== 'mkfs') continue;
    const type = String(node.config['type'] ?? rootFsType);
    const populator = offlinePopulator(type);
    if ('unsupported' in populator) problems.push(`${where(node)}: ${type} filesystem "${node.name}": ${populator.unsupported}`);
  }
  return problems;
}
