/**
 * The filesystems a bootloader hook needs, as variables, so the hook does not have to ask findmnt
 * and blkid — which cannot answer with offline assembly, where nothing is mounted while finalise.d
 * runs (docs/offline-assembly.md). Read by the grub, uefi and grub-config elements.
 *
 * Only filesystems with a blkid-style UUID (ext*, xfs, btrfs, vfat) are named: for a ZFS root the
 * variables stay unset and the hooks keep asking the mounted image, as they always did.
 */
import type { BlockDeviceState, ConfigNode } from './types.js';

export interface BootFilesystemVariables {
  TSDIB_ROOT_FS_UUID?: string;
  /** `/boot` when /boot is a filesystem of its own, else `/`. */
  TSDIB_BOOT_FS_MOUNT?: string;
  /** UUID of the filesystem holding /boot. */
  TSDIB_BOOT_FS_UUID?: string;
  /** `/boot/efi` when a vfat filesystem is mounted there, else empty. */
  TSDIB_ESP_MOUNT?: string;
}

const UUID_TYPES = /^(ext[234]|xfs|btrfs|vfat|fat)$/;

export function bootFilesystemVariables(state: BlockDeviceState, nodes: readonly ConfigNode[]): BootFilesystemVariables {
  const fsAt = (mountPoint: string) => {
    const mount = state.mounts.find((m) => m.mountPoint === mountPoint);
    if (!mount) return undefined;
    const name = state.filesys[mount.node] ? mount.node : nodes.find((n) => n.name === mount.node)?.base[0];
    const fs = name === undefined ? undefined : state.filesys[name];
    return fs && UUID_TYPES.test(fs.fstype) ? fs : undefined;
  };
  const root = fsAt('/');
  if (!root) return {};
  const bootMount = state.mounts.some((m) => m.mountPoint === '/boot') ? '/boot' : '/';
  const boot = fsAt(bootMount);
  const esp = fsAt('/boot/efi');
  return {
    TSDIB_ROOT_FS_UUID: root.uuid,
    ...(boot ? { TSDIB_BOOT_FS_MOUNT: bootMount, TSDIB_BOOT_FS_UUID: boot.uuid } : {}),
    TSDIB_ESP_MOUNT: esp && (esp.fstype === 'vfat' || esp.fstype === 'fat') ? '/boot/efi' : '',
  };
}
