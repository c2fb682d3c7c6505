/**
 * The block-device configs docs/reference/block-device.md shows. Each is checked with the real
 * config loader by test/unit/docs/docs-fresh.test.ts, so the reference never shows a config
 * tsdib would refuse.
 */
export interface BlockDeviceExample {
  title: string;
  /** What the layout is for, one or two sentences. */
  about: string;
  yaml: string;
}

export const BLOCK_DEVICE_EXAMPLES: readonly BlockDeviceExample[] = [
  {
    title: 'MBR, one root partition (the layout of `vm` with `block-device-mbr`)',
    about: 'An MBR table with one bootable primary partition taking the whole disk; BIOS boot.',
    yaml: `- local_loop:
    name: image0

- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: root
        flags: [boot, primary]
        size: 100%
        mkfs:
          name: mkfs_root
          mount:
            mount_point: /
            fstab:
              options: "defaults"
              fsck-passno: 1
`,
  },
  {
    title: 'GPT with an EFI system partition (UEFI and BIOS)',
    about:
      'An ESP (vfat, mounted at /boot/efi) for UEFI, a BIOS boot partition for GRUB on BIOS machines, and the root filesystem in the rest of the disk.',
    yaml: `- local_loop:
    name: image0

- partitioning:
    base: image0
    label: gpt
    partitions:
      - name: ESP
        type: 'EF00'
        size: 550MiB
        mkfs:
          type: vfat
          mount:
            mount_point: /boot/efi
            fstab:
              options: "defaults"
              fsck-passno: 2
      - name: BSP
        type: 'EF02'
        size: 8MiB
      - name: root
        type: '8300'
        size: 100%
        mkfs:
          name: mkfs_root
          mount:
            mount_point: /
            fstab:
              options: "defaults"
              fsck-passno: 1
`,
  },
  {
    title: 'A separate /boot',
    about: 'An MBR disk with a 512 MiB ext4 /boot (the boot flag is on it) and the root filesystem after it.',
    yaml: `- local_loop:
    name: image0

- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: boot
        flags: [boot, primary]
        size: 512MiB
        mkfs:
          type: ext4
          label: boot
          mount:
            mount_point: /boot
            fstab:
              options: "defaults"
              fsck-passno: 2
      - name: root
        flags: [primary]
        size: 100%
        mkfs:
          name: mkfs_root
          mount:
            mount_point: /
            fstab:
              options: "defaults"
              fsck-passno: 1
`,
  },
  {
    title: 'LVM: root and /var on logical volumes',
    about:
      'A /boot partition outside LVM, then one partition as the physical volume of volume group vg, holding an LV for / and one for /var. In the graph notation, each filesystem names its LV as base.',
    yaml: `- local_loop:
    name: image0

- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: boot
        flags: [boot, primary]
        size: 512MiB
        mkfs:
          type: ext4
          label: boot
          mount:
            mount_point: /boot
            fstab:
              options: "defaults"
              fsck-passno: 2
      - name: lvm_part
        flags: [primary]
        size: 100%

- lvm:
    name: lvm
    pvs:
      - name: pv
        base: lvm_part
    vgs:
      - name: vg
        base: [pv]
    lvs:
      - name: lv_root
        base: vg
        extents: 60%VG
      - name: lv_var
        base: vg
        extents: 30%VG

- mkfs:
    name: mkfs_root
    base: lv_root
    type: ext4
    label: root

- mount:
    name: mount_root
    base: mkfs_root
    mount_point: /

- fstab:
    name: fstab_root
    base: mount_root
    options: "defaults"
    fsck-passno: 1

- mkfs:
    name: mkfs_var
    base: lv_var
    type: ext4
    label: var

- mount:
    name: mount_var
    base: mkfs_var
    mount_point: /var

- fstab:
    name: fstab_var
    base: mount_var
    options: "defaults"
    fsck-passno: 2
`,
  },
];
