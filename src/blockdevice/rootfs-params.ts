/**
 * DIB's `_merge_rootfs_params`: the build's root filesystem settings (FS_TYPE, ROOT_LABEL,
 * root-fs opts) fill the gaps of the mkfs entry named `mkfs_root`, and only of that one.
 */
import type { BlockDeviceParams, ConfigEntry } from './types.js';

/** The label DIB gives the root filesystem when neither the config nor the build names one. */
export function defaultRootLabel(fsType: unknown): string {
  return fsType === 'xfs' ? 'img-rootfs' : 'cloudimg-rootfs';
}

/** Fills `type`, `opts` and `label` of the `mkfs_root` entry from `params` where the config has none. */
export function mergeRootfsParams(entries: readonly ConfigEntry[], params: Partial<BlockDeviceParams>): void {
  for (const e of entries) {
    if (e.plugin !== 'mkfs' || e.config['name'] !== 'mkfs_root') continue;
    const c = e.config;
    if (c['type'] === undefined && params.rootFsType !== undefined) c['type'] = params.rootFsType;
    if (c['opts'] === undefined && params.rootFsOpts !== undefined) c['opts'] = params.rootFsOpts;
    if (c['label'] === undefined) c['label'] = params.rootLabel ?? defaultRootLabel(c['type']);
  }
}
