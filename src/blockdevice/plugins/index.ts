/**
 * Every block-device plugin, by the config key that names it, in DIB's level order: the one
 * table of kinds. Adding a kind is one file (or folder) under plugins/ and one row here.
 */
import { blockDeviceFailed } from '../../errors.js';
import type { BlockDevicePlugin } from '../plugin.js';
import type { ConfigNode } from '../types.js';
import { fstabPlugin } from './fstab.js';
import { localLoopPlugin } from './local-loop.js';
import { lvmPlugin } from './lvm/index.js';
import { mkfsPlugin } from './mkfs.js';
import { mountPlugin } from './mount/index.js';
import { partitioningPlugin } from './partitioning/index.js';
import { zpoolPlugin } from './zpool/index.js';

/** A table of plugins by config key (the engine takes another one in tests). */
export type BlockDevicePlugins = Readonly<Record<string, BlockDevicePlugin>>;

export const PLUGINS: BlockDevicePlugins = {
  local_loop: localLoopPlugin,
  partitioning: partitioningPlugin,
  lvm: lvmPlugin,
  mkfs: mkfsPlugin,
  mount: mountPlugin,
  fstab: fstabPlugin,
  zpool: zpoolPlugin,
};

export const PLUGIN_NAMES: readonly string[] = Object.keys(PLUGINS);

export function getPlugin(name: string, plugins: BlockDevicePlugins = PLUGINS): BlockDevicePlugin | undefined {
  return Object.hasOwn(plugins, name) ? plugins[name] : undefined;
}

/** The plugin of `node` in `plugins`; a graph made with another table fails here, before any disk work. */
export function pluginOf(node: ConfigNode, plugins: BlockDevicePlugins): BlockDevicePlugin {
  const p = Object.hasOwn(plugins, node.plugin) ? plugins[node.plugin] : undefined;
  if (!p) {
    throw blockDeviceFailed(`${node.configPath || node.name}: block-device node kind "${node.kind}" (node "${node.name}") is not implemented`, {
      node: node.name,
      hint: `known plugins: ${Object.keys(plugins).join(', ')}`,
    });
  }
  return p;
}
