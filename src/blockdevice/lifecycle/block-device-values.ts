/**
 * The values DIB's `dib-block-device getval` gives hooks and the build: root label and type,
 * boot label, mount points, and IMAGE_BLOCK_DEVICE(S).
 */
import type { BlockDeviceState, ConfigNode } from '../types.js';

export interface BlockDeviceValues {
  /** Label of the filesystem mounted at `/` (`getval root-label`); '' when none. */
  rootLabel: string;
  /** Type of the filesystem mounted at `/` (`getval root-fstype`). */
  rootFsType: string;
  /** Label of the filesystem at `/boot`, else its mkfs node name, else '' (`getval boot-label`). */
  bootLabel: string;
  /** Every mount point in mount order, swap as `none` (`getval mount-points` joins them with `|`). */
  mountPoints: string[];
  /** Raw image of `image0` (or of the first disk image) (`getval image-path`). */
  imagePath: string;
  /** Loop device of `image0` (or of the first disk image): IMAGE_BLOCK_DEVICE. */
  imageBlockDevice: string;
  /** ` [name]=device ` for every block device, DIB's IMAGE_BLOCK_DEVICES (a bash associative array body). */
  imageBlockDevices: string;
}

export const GETVAL_SYMBOLS = ['root-label', 'root-fstype', 'boot-label', 'mount-points', 'image-path', 'image-block-device', 'image-block-devices'] as const;
export type GetvalSymbol = (typeof GETVAL_SYMBOLS)[number];

export function blockDeviceValues(state: BlockDeviceState, nodes: readonly ConfigNode[]): BlockDeviceValues {
  const fsAt = (mp: string) => {
    const mount = state.mounts.find((m) => m.mountPoint === mp);
    // a zpool node mounts its datasets itself and describes its pool under its own name
    const mkfs = mount ? (state.filesys[mount.node] ? mount.node : nodes.find((n) => n.name === mount.node)?.base[0]) : undefined;
    return mkfs === undefined ? undefined : { name: mkfs, fs: state.filesys[mkfs] };
  };
  const root = fsAt('/');
  const boot = fsAt('/boot');
  const firstDisk = nodes.find((n) => n.kind === 'local_loop')?.name;
  const disk = state.blockdev['image0'] ?? (firstDisk === undefined ? undefined : state.blockdev[firstDisk]);
  return {
    rootLabel: root?.fs?.label ?? '',
    rootFsType: root?.fs?.fstype ?? '',
    bootLabel: boot ? (boot.fs?.label || boot.name) : '',
    mountPoints: state.mounts.map((m) => m.mountPoint),
    imagePath: disk?.image ?? '',
    imageBlockDevice: disk?.device ?? '',
    imageBlockDevices: Object.entries(state.blockdev)
      .map(([name, b]) => ` [${name}]=${b.device} `)
      .join(''),
  };
}

/** `getval SYMBOL` as DIB prints it. */
export function getval(values: BlockDeviceValues, symbol: GetvalSymbol): string {
  switch (symbol) {
    case 'root-label':
      return values.rootLabel;
    case 'root-fstype':
      return values.rootFsType;
    case 'boot-label':
      return values.bootLabel;
    case 'mount-points':
      return values.mountPoints.join('|');
    case 'image-path':
      return values.imagePath;
    case 'image-block-device':
      return values.imageBlockDevice;
    case 'image-block-devices':
      return values.imageBlockDevices;
  }
}
