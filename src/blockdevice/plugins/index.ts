/**
 * Every block-device plugin, by the config key that names it, in DIB's level order.
 */
import type { BlockDevicePlugin } from '../plugin.js';
import { fstabPlugin } from './fstab.js';
import { localLoopPlugin } from './local-loop.js';
import { lvmPlugin } from './lvm.js';
import { mkfsPlugin } from './mkfs.js';
import { mountPlugin } from './mount.js';
import { partitioningPlugin } from './partitioning.js';
import { zpoolPlugin } from './zpool.js';

export const PLUGINS: Readonly<Record<string, BlockDevicePlugin>> = {
  local_loop: localLoopPlugin,
  partitioning: partitioningPlugin,
  lvm: lvmPlugin,
  mkfs: mkfsPlugin,
  mount: mountPlugin,
  fstab: fstabPlugin,
  zpool: zpoolPlugin,
};

export const PLUGIN_NAMES: readonly string[] = Object.keys(PLUGINS);

export function getPlugin(name: string): BlockDevicePlugin | undefined {
  return Object.hasOwn(PLUGINS, name) ? PLUGINS[name] : undefined;
}
