import { describe, expect, it } from 'vitest';
import { bootFilesystemVariables } from '../../../src/blockdevice/boot-filesystem-variables.js';
import type { BlockDeviceState, ConfigNode } from '../../../src/blockdevice/types.js';

const fs = (uuid: string, fstype: string) => ({ uuid, label: '', fstype, opts: [], device: '' });
const node = (name: string, base: string): ConfigNode => ({ plugin: 'mkfs', name, base: [base], config: {}, configPath: '', kind: 'mount', entry: 0 });

function state(mounts: Array<[string, string, string, string]>): { state: BlockDeviceState; nodes: ConfigNode[] } {
  return {
    state: {
      blockdev: {},
      filesys: Object.fromEntries(mounts.map(([, mkfs, uuid, type]) => [mkfs, fs(uuid, type)])),
      mounts: mounts.map(([mp, mkfs, , type]) => ({ mountPoint: mp, node: `mount_${mkfs}`, path: '', fstype: type })),
      fstab: [],
    },
    nodes: mounts.map(([, mkfs]) => node(`mount_${mkfs}`, mkfs)),
  };
}

describe('bootFilesystemVariables', () => {
  it('names the root filesystem as the one holding /boot when /boot is no filesystem of its own', () => {
    const s = state([['/', 'mkfs_root', 'r-uuid', 'ext4'], ['/boot/efi', 'mkfs_ESP', 'ABCD-1234', 'vfat']]);
    expect(bootFilesystemVariables(s.state, s.nodes)).toEqual({ TSDIB_ROOT_FS_UUID: 'r-uuid', TSDIB_BOOT_FS_MOUNT: '/', TSDIB_BOOT_FS_UUID: 'r-uuid', TSDIB_ESP_MOUNT: '/boot/efi' });
  });

  it('names a separate /boot, and no ESP when none is mounted', () => {
    const s = state([['/', 'mkfs_root', 'r', 'btrfs'], ['/boot', 'mkfs_boot', 'b', 'ext4']]);
    expect(bootFilesystemVariables(s.state, s.nodes)).toEqual({ TSDIB_ROOT_FS_UUID: 'r', TSDIB_BOOT_FS_MOUNT: '/boot', TSDIB_BOOT_FS_UUID: 'b', TSDIB_ESP_MOUNT: '' });
  });

  it('sets nothing for a ZFS root (the hooks keep asking the mounted image)', () => {
    const s = state([['/', 'rpool', '1234567890', 'zfs']]);
    expect(bootFilesystemVariables(s.state, s.nodes)).toEqual({});
  });
});
