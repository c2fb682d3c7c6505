import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOfflineDisk } from '../../../../src/blockdevice/offline/assemble-disk.js';
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import { planOfflineDisk } from '../../../../src/blockdevice/offline/plan-from-graph.js';
import type { BlockDeviceParams } from '../../../../src/blockdevice/types.js';
import { gptBootLayout } from '../../../fixtures/block-device/layouts.mjs';

const MiB = 1024 * 1024;
const params: BlockDeviceParams = {
  imageDir: '/ws/image',
  imageSize: 256 * MiB,
  mountBase: '/ws/mnt',
  buildDir: '/ws',
  rootFsType: 'ext4',
  rootLabel: undefined,
  rootFsOpts: '-i 4096',
};

async function plan(yaml: string) {
  return planOfflineDisk(await loadBlockDeviceConfig(yaml, 'test', params), params);
}

// GPT: ESP, BIOS boot, /boot (no fstab options) and /, on a disk sized by params
const EFI_BOOT_ROOT = gptBootLayout({ boot: { fstab: {} } });

describe('planOfflineDisk', () => {
  it('places each filesystem at its partition and gives the state the loop path would (fstab in mount order)', async () => {
    const { disk, state } = await plan(EFI_BOOT_ROOT);
    expect(disk).toMatchObject({ name: 'image0', image: '/ws/image/image0.raw', size: 256 * MiB, sectorSize: 512 });
    expect(disk.layout?.label).toBe('gpt');
    expect(disk.filesystems.map((f) => [f.name, f.spec.type, f.offset / MiB, f.size / MiB, f.mountPoint])).toEqual([
      ['mkfs_ESP', 'vfat', 1, 64, '/boot/efi'],
      ['mkfs_boot', 'ext4', 66, 64, '/boot'],
      ['mkfs_root', 'ext4', 130, 125, '/'],
    ]);
    const root = disk.filesystems.find((f) => f.name === 'mkfs_root')!;
    expect(root.spec).toMatchObject({ label: 'cloudimg-rootfs', opts: ['-i', '4096'] });
    expect(state.filesys['mkfs_root']!.uuid).toBe(root.spec.uuid);
    expect(state.mounts.map((m) => [m.mountPoint, m.path])).toEqual([
      ['/', '/ws/mnt'],
      ['/boot', '/ws/mnt/boot'],
      ['/boot/efi', '/ws/mnt/boot/efi'],
    ]);
    expect(state.fstab).toEqual([
      'LABEL=cloudimg-rootfs / ext4 defaults 0 1',
      'LABEL=boot /boot ext4 defaults 0 2',
      'LABEL=MKFS_ESP /boot/efi vfat defaults 0 2',
    ]);
    expect(state.blockdev['image0']!.device).toBe('/ws/image/image0.raw');
    expect(state.blockdev['root']!.device).toBe(`/ws/image/image0.raw@@${130 * MiB}`);
  });

  it('draws each UUID once: the disk and the state agree', async () => {
    const { disk, state } = await plan(EFI_BOOT_ROOT);
    for (const fs of disk.filesystems) expect(state.filesys[fs.name]!.uuid).toBe(fs.spec.uuid);
  });

  it('puts a filesystem without a partition table on the whole disk', async () => {
    const { disk } = await plan('- local_loop: {name: image0, size: 64MiB}\n- mkfs: {name: mkfs_root, base: image0, type: ext4, mount: {mount_point: /}}\n');
    expect(disk.layout).toBeUndefined();
    expect(disk.filesystems).toMatchObject([{ offset: 0, size: 64 * MiB, mountPoint: '/' }]);
  });

  it.each([
    [
      'LVM',
      `
- local_loop: {name: image0}
- partitioning: {base: image0, label: mbr, partitions: [{name: root, size: 100%}]}
- lvm:
    name: lvm
    base: [root]
    pvs: [{name: pv, base: root}]
    vgs: [{name: vg, base: [pv]}]
    lvs: [{name: lv_root, base: vg, size: 100M}]
- mkfs: {name: mkfs_root, base: lv_root, type: ext4, mount: {mount_point: /}}
`,
      /LVM node "lvm" cannot be assembled offline: logical volumes need device-mapper/,
    ],
    ['a second disk', '- local_loop: {name: image0}\n- local_loop: {name: image1}\n', /makes one disk image; "image0" is one already, "image1" would be a second/],
  ])('refuses %s before anything is written, saying what to do', async (_what, yaml, message) => {
    const err = await plan(yaml).catch((e: unknown) => e as Error & { context: { hint?: string } });
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(message);
  });

  it('names the loop path in the hint of a refusal', async () => {
    const err = (await plan('- local_loop: {name: image0}\n- zpool: {name: rpool, base: image0, datasets: [{name: ROOT, mountpoint: /}]}\n').catch((e: unknown) => e)) as { message: string; context: { hint?: string } };
    expect(err.message).toMatch(/zpool "rpool" cannot be assembled offline: a ZFS pool is made by the zfs daemon/);
    expect(err.context.hint).toMatch(/loop path/);
  });
});

describe('checkOfflineDisk', () => {
  it('refuses xfs with the reason, listing every problem at once, before anything is written', async () => {
    const { disk } = await plan(`
- local_loop: {name: image0, size: 1GiB}
- partitioning:
    base: image0
    label: gpt
    partitions:
      - {name: a, size: 300MiB, mkfs: {type: xfs, mount: {mount_point: /srv}}}
      - {name: root, size: 100%, mkfs: {name: mkfs_root, type: xfs, mount: {mount_point: /}}}
`);
    const tree = mkdtempSync(join(tmpdir(), 'tsdib-check-'));
    try {
      const err = (await checkOfflineDisk(disk, tree).catch((e: unknown) => e)) as { message: string; context: { details?: string[] } };
      expect(err.message).toBe('2 filesystems cannot be assembled offline');
      expect(err.context.details).toHaveLength(2);
      expect(err.context.details?.[0]).toMatch(/filesystem mkfs_a \(xfs at \/srv\) cannot be assembled offline: mkfs.xfs -p/);
      expect(existsSync(disk.image)).toBe(false);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe('planOfflineDisk with a seed', () => {
  it('gives the same filesystem ids and table ids for the same seed, other ones for another', async () => {
    const seeded = (seed: string) => ({ ...params, seed });
    const a = await planOfflineDisk(await loadBlockDeviceConfig(EFI_BOOT_ROOT, 'test', seeded('a')), seeded('a'));
    const a2 = await planOfflineDisk(await loadBlockDeviceConfig(EFI_BOOT_ROOT, 'test', seeded('a')), seeded('a'));
    const b = await planOfflineDisk(await loadBlockDeviceConfig(EFI_BOOT_ROOT, 'test', seeded('b')), seeded('b'));
    const ids = (p: typeof a) => p.disk.filesystems.map((f) => f.spec.uuid);
    expect(ids(a2)).toEqual(ids(a));
    expect(a.disk.tableOptions).toEqual({ seed: 'a' });
    for (const [i, id] of ids(b).entries()) expect(id).not.toBe(ids(a)[i]);
  });
});
