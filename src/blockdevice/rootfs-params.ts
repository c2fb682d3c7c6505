/**
 * DIB's `_merge_rootfs_params`: the build's root filesystem settings (FS_TYPE, ROOT_LABEL,
 * root-fs opts) fill the gaps of the mkfs entry named `mkfs_root`, and only of that one.
 */
import { defaultRootLabel } from './filesystems.js';
import type { BlockDeviceParams, ConfigEntry, RootParamOrigin } from './types.js';

/** A config path filled from a variable or flag the user set (its problems name that instead). */
export interface FilledField {
  path: string;
  origin: RootParamOrigin;
}

/**
 * Fills `type`, `opts` and `label` of the `mkfs_root` entry from `params` where the config has
 * none; returns the fields filled from a variable or flag the user set.
 */
export function mergeRootfsParams(entries: readonly ConfigEntry[], params: Partial<BlockDeviceParams>): FilledField[] {
  const filled: FilledField[] = [];
  for (const e of entries) {
    if (e.plugin !== 'mkfs' || e.config['name'] !== 'mkfs_root') continue;
    const c = e.config;
    const origins = params.rootParamOrigins ?? {};
    if (c['type'] === undefined && params.rootFsType !== undefined) {
      c['type'] = params.rootFsType;
      if (origins.type) filled.push({ path: `${e.configPath}.type`, origin: origins.type });
    }
    if (c['opts'] === undefined && params.rootFsOpts !== undefined) c['opts'] = params.rootFsOpts;
    if (c['label'] === undefined) {
      c['label'] = params.rootLabel ?? defaultRootLabel(c['type']);
      if (params.rootLabel !== undefined && origins.label) filled.push({ path: `${e.configPath}.label`, origin: origins.label });
    }
  }
  return filled;
}
