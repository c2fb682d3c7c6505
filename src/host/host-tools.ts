/**
 * Which host commands tsdib needs, and which Debian/Ubuntu package provides each. `tsdib doctor`
 * checks them and `--install` installs the missing packages with apt-get.
 */
import { QEMU_IMG_TYPES } from '../output/qemu-img-formats.js';

export interface HostTool {
  /** Command looked up on PATH (or an absolute path for files that are not commands). */
  command: string;
  /** Debian package that provides it. */
  pkg: string;
}

export const t = (command: string, pkg: string): HostTool => ({ command, pkg });

/**
 * Needed by every build: only what tsdib itself runs on the host (hooks' own tools are the
 * elements'; fstrim, partx, lsattr and zstd are used when present and skipped otherwise).
 */
export const CORE_TOOLS: readonly HostTool[] = [
  t('losetup', 'mount'),
  t('mount', 'mount'),
  t('umount', 'mount'),
  t('blockdev', 'util-linux'),
  t('chroot', 'coreutils'),
  t('du', 'coreutils'),
  t('cp', 'coreutils'),
  t('bash', 'bash'),
  // the phase cache's snapshots and the tree outputs
  t('tar', 'tar'),
  // the sparse map of the raw image the disk writers read
  t('filefrag', 'e2fsprogs'),
];

/** Needed when a given element is in the expanded set. */
export const ELEMENT_TOOLS: Readonly<Record<string, readonly HostTool[]>> = {
  // the base tree (root.d of debian-rootfs): mmdebstrap (debootstrap as fallback), apt's gpgv, flock
  'debian-rootfs': [t('mmdebstrap', 'mmdebstrap'), t('gpgv', 'gpgv'), t('flock', 'util-linux')],
  debian: [t('/usr/share/keyrings/debian-archive-keyring.gpg', 'debian-archive-keyring')],
  'debian-minimal': [t('/usr/share/keyrings/debian-archive-keyring.gpg', 'debian-archive-keyring')],
  // the pinned archive key's fingerprint is checked with gpg
  ubuntu: [t('gpg', 'gpg')],
  // grub and uefi run GRUB's own tools inside the image (its grub-pc-bin / grub-efi-amd64-bin)
  grub: [],
  uefi: [],
  'block-device-mbr': [t('mkfs.vfat', 'dosfstools'), t('mcopy', 'mtools')],
  'block-device-gpt': [t('mkfs.vfat', 'dosfstools'), t('mcopy', 'mtools')],
  'block-device-efi': [t('mkfs.vfat', 'dosfstools'), t('mcopy', 'mtools')],
  // post-root.d strips POSIX ACLs on the host (zfs-fuse has none)
  'zfs-root': [t('zpool', 'zfs-fuse'), t('zfs', 'zfs-fuse'), t('setfacl', 'acl')],
  // git repositories are cloned and files fetched on the host (extra-data.d), with a locked cache
  'source-repositories': [t('git', 'git'), t('curl', 'curl'), t('flock', 'util-linux'), t('sha1sum', 'coreutils')],
};

/**
 * Needed by elements of DIB's own tree (on ELEMENTS_PATH), by name; checked by a build that has
 * them and by `tsdib doctor` when they are named. A build also needs sudo for any hook that calls
 * it (build/hook-host-tools.ts).
 */
export const DIB_ELEMENT_TOOLS: Readonly<Record<string, readonly HostTool[]>> = {
  // the base tree from the host's debootstrap, run through sudo
  debootstrap: [t('debootstrap', 'debootstrap'), t('sudo', 'sudo')],
  'debian-minimal': [t('debootstrap', 'debootstrap'), t('sudo', 'sudo')],
  'ubuntu-minimal': [t('debootstrap', 'debootstrap'), t('sudo', 'sudo')],
};

/** Needed when a given output format is requested. */
export const FORMAT_TOOLS: Readonly<Record<string, readonly HostTool[]>> = {
  ...Object.fromEntries(Object.keys(QEMU_IMG_TYPES).map((type) => [type, [t('qemu-img', 'qemu-utils')]])),
  squashfs: [t('mksquashfs', 'squashfs-tools')],
  tgz: [t('gzip', 'gzip')],
  docker: [t('docker', 'docker.io')],
};

/** Needed by the block-device plugins when the config uses them. */
export const FILESYSTEM_TOOLS: Readonly<Record<string, readonly HostTool[]>> = {
  ext2: [t('mkfs.ext2', 'e2fsprogs')],
  ext3: [t('mkfs.ext3', 'e2fsprogs')],
  ext4: [t('mkfs.ext4', 'e2fsprogs')],
  xfs: [t('mkfs.xfs', 'xfsprogs')],
  btrfs: [t('mkfs.btrfs', 'btrfs-progs')],
  vfat: [t('mkfs.vfat', 'dosfstools'), t('mcopy', 'mtools')],
  swap: [t('mkswap', 'util-linux')],
};

/** Needed by a rootless build (an ordinary user's build in a user namespace, src/host/userns/). */
export const ROOTLESS_TOOLS: readonly HostTool[] = [
  t('unshare', 'util-linux'),
  t('setpriv', 'util-linux'),
  t('newuidmap', 'uidmap'),
  t('newgidmap', 'uidmap'),
];

/** What `tsdib boot` and `tsdib test` need: qemu, OVMF, the seed's vfat tools, the test runner's injection tools. */
export const BOOT_TOOLS: readonly HostTool[] = [
  t('qemu-system-x86_64', 'qemu-system-x86'),
  t('qemu-img', 'qemu-utils'),
  t('/usr/share/OVMF/OVMF_CODE_4M.fd', 'ovmf'),
  t('mkfs.vfat', 'dosfstools'),
  t('mcopy', 'mtools'),
  t('qemu-storage-daemon', 'qemu-system-common'),
  t('debugfs', 'e2fsprogs'),
];

/** What the test suite needs beyond a build: oracles (qemu-img, sgdisk), qemu and firmware, DIB. */
export const TEST_TOOLS: readonly HostTool[] = [
  t('qemu-img', 'qemu-utils'),
  t('qemu-system-x86_64', 'qemu-system-x86'),
  t('/usr/share/OVMF/OVMF_CODE_4M.fd', 'ovmf'),
  t('sgdisk', 'gdisk'),
  // the partition-table oracle (tsdib writes its own tables; a build does not run sfdisk)
  t('sfdisk', 'fdisk'),
  t('partx', 'util-linux'),
  t('mkfs.xfs', 'xfsprogs'),
  t('mkfs.btrfs', 'btrfs-progs'),
  t('mkfs.vfat', 'dosfstools'),
  t('mcopy', 'mtools'),
  t('mksquashfs', 'squashfs-tools'),
  t('unsquashfs', 'squashfs-tools'),
  t('debootstrap', 'debootstrap'),
  t('mmdebstrap', 'mmdebstrap'),
  t('grub-mkimage', 'grub-common'),
  t('/usr/lib/grub/i386-pc/boot.img', 'grub-pc-bin'),
  t('/usr/lib/grub/x86_64-efi/linux.mod', 'grub-efi-amd64-bin'),
  t('zpool', 'zfs-fuse'),
  t('zfs', 'zfs-fuse'),
  t('zfs-fuse', 'zfs-fuse'),
  t('disk-image-create', 'python3-diskimage-builder'),
  t('gpg', 'gpg'),
  t('zstd', 'zstd'),
  t('xz', 'xz-utils'),
  // tgz uses pigz when present and gzip otherwise; the suite covers the pigz path
  t('pigz', 'pigz'),
  // --push / tsdib pull against a real OCI registry, --write-to against real NBD servers
  t('docker-registry', 'docker-registry'),
  // the registry's htpasswd users (bcrypt) and the token service's signing certificate
  t('htpasswd', 'apache2-utils'),
  t('openssl', 'openssl'),
  t('nbdkit', 'nbdkit'),
  // fleets: the job queue's Redis, and the death signal a worker's builds get (util-linux)
  t('redis-server', 'redis-server'),
  t('setpriv', 'util-linux'),
  t('qemu-nbd', 'qemu-utils'),
  // xattrs, ACLs and file capabilities in test trees (offline assembly, phase cache, tree writers)
  t('setfattr', 'attr'),
  t('getfattr', 'attr'),
  t('setfacl', 'acl'),
  t('getfacl', 'acl'),
  // DIB itself calls sudo, even as root (DIB parity)
  t('sudo', 'sudo'),
  // oracles that read images and trees the tests make
  t('sfdisk', 'fdisk'),
  t('blkid', 'util-linux'),
  t('mkfs.ext4', 'e2fsprogs'),
  t('debugfs', 'e2fsprogs'),
  t('dumpe2fs', 'e2fsprogs'),
  t('xfs_db', 'xfsprogs'),
  t('btrfs', 'btrfs-progs'),
  t('fsck.vfat', 'dosfstools'),
  t('mdir', 'mtools'),
  t('mtype', 'mtools'),
  t('qemu-io', 'qemu-utils'),
  // the rootless tests' ordinary user
  t('useradd', 'passwd'),
  t('usermod', 'passwd'),
  t('setpriv', 'util-linux'),
  t('unshare', 'util-linux'),
  // the npm package test: a fresh clone, and `man tsdib` after the global install
  t('git', 'git'),
  t('man', 'man-db'),
  // rootless builds: the test user's subordinate id range is mapped with newuidmap/newgidmap
  t('newuidmap', 'uidmap'),
  t('newgidmap', 'uidmap'),
];
