/**
 * Which host commands tsdib needs, and which Debian/Ubuntu package provides each. `tsdib doctor`
 * checks them and `--install` installs the missing packages with apt-get.
 */
export interface HostTool {
  /** Command looked up on PATH (or an absolute path for files that are not commands). */
  command: string;
  /** Debian package that provides it. */
  pkg: string;
}

const t = (command: string, pkg: string): HostTool => ({ command, pkg });

/** Needed by every build. */
export const CORE_TOOLS: readonly HostTool[] = [
  t('losetup', 'mount'),
  t('mount', 'mount'),
  t('chroot', 'coreutils'),
  t('tar', 'tar'),
  t('sfdisk', 'fdisk'),
  t('blkid', 'util-linux'),
  t('mkfs.ext4', 'e2fsprogs'),
  t('e2fsck', 'e2fsprogs'),
  t('filefrag', 'e2fsprogs'),
  t('fstrim', 'util-linux'),
  t('rsync', 'rsync'),
  t('fuser', 'psmisc'),
  t('setfacl', 'acl'),
  t('bash', 'bash'),
  t('du', 'coreutils'),
  t('cp', 'coreutils'),
  t('lsattr', 'e2fsprogs'),
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
  'zfs-root': [t('zpool', 'zfs-fuse'), t('zfs', 'zfs-fuse')],
};

/** Needed when a given output format is requested. */
export const FORMAT_TOOLS: Readonly<Record<string, readonly HostTool[]>> = {
  vmdk: [t('qemu-img', 'qemu-utils')],
  squashfs: [t('mksquashfs', 'squashfs-tools')],
  tgz: [t('gzip', 'gzip')],
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

/** What the test suite needs beyond a build: oracles (qemu-img, sgdisk), qemu and firmware, DIB. */
export const TEST_TOOLS: readonly HostTool[] = [
  t('qemu-img', 'qemu-utils'),
  t('qemu-system-x86_64', 'qemu-system-x86'),
  t('/usr/share/OVMF/OVMF_CODE_4M.fd', 'ovmf'),
  t('sgdisk', 'gdisk'),
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
  t('disk-image-create', 'python3-diskimage-builder'),
  t('gpg', 'gpg'),
  t('zstd', 'zstd'),
  t('xz', 'xz-utils'),
  // tgz uses pigz when present and gzip otherwise; the suite covers the pigz path
  t('pigz', 'pigz'),
];
