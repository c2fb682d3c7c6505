// DIB's block-device-efi layout: GPT with an ESP (vfat, /boot/efi), a BIOS boot partition (EF02)
// and an ext4 root. The ESP is staged on a tmpfs when the kernel has no vfat and copied in with
// mtools at umount; the files must land in the ESP, never in the root filesystem.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PartitionDeviceMode } from '../../../src/blockdevice/lifecycle.js';
import { kernelHasVfat } from '../../../src/blockdevice/plugins/mount/index.js';
import { biosBoot, esp, FSTAB_ROOT, FSTAB_SECONDARY, partitionedDisk, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { MIB, cleanupLeavesOnlyImage, createIn, expectNoLeaks, extLs, probe, sfdiskJson, skipLifecycle, vfatCat, vfatTree, workspacePerTest } from './fixture.js';

const GUID_ESP = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
const GUID_BIOS_BOOT = '21686148-6449-6E6F-744E-656564454649';
const GUID_LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';

// DIB's elements/block-device-efi/block-device-default.yaml, with a smaller ESP and disk
const EFI = partitionedDisk(
  'gpt',
  [esp('64MiB', { fstab: FSTAB_SECONDARY }), biosBoot('8MiB'), rootPartition({ fstab: FSTAB_ROOT }, { type: '8300' })],
  { size: '256MiB' },
);

const skip = skipLifecycle();

describe.skipIf(skip)('GPT with ESP, BIOS boot and root', () => {
  const newWorkspace = workspacePerTest();

  it.each<[PartitionDeviceMode]>([['offset'], ['auto']])('puts the ESP files into the vfat filesystem and the rest into the ext4 root (%s partition devices)', async (mode) => {
    const ws = await newWorkspace();
    const { session, state, image } = await createIn(ws, EFI, { partitionDevices: mode });
    const esp = state.filesys['mkfs_ESP']!;
    const root = state.filesys['mkfs_root']!;
    expect(esp).toMatchObject({ fstype: 'vfat', label: 'MKFS_ESP' });
    expect(esp.uuid).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(state.mounts.map((m) => m.mountPoint)).toEqual(['/', '/boot/efi']);
    expect(session.getval('mount-points')).toBe('/|/boot/efi');
    expect(session.fstabText()).toBe('LABEL=cloudimg-rootfs / ext4 defaults 0 1\nLABEL=MKFS_ESP /boot/efi vfat defaults 0 2\n');

    const efiPath = session.pathOf('/boot/efi')!;
    expect(efiPath).toBe(join(ws.params.mountBase, 'boot', 'efi'));
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === efiPath);
    expect(mountinfo).toBeDefined();
    if (!(await kernelHasVfat())) expect(mountinfo).toContain(' - tmpfs ');

    mkdirSync(join(efiPath, 'EFI', 'BOOT'), { recursive: true });
    writeFileSync(join(efiPath, 'EFI', 'BOOT', 'BOOTX64.EFI'), 'not really a bootloader\n');
    writeFileSync(join(efiPath, 'startup.nsh'), 'fs0:\\EFI\\BOOT\\BOOTX64.EFI\n');
    mkdirSync(join(ws.params.mountBase, 'boot', 'grub'), { recursive: true });
    writeFileSync(join(ws.params.mountBase, 'boot', 'grub', 'grub.cfg'), 'set timeout=1\n');

    await session.umount();
    expectNoLeaks(ws);

    const table = sfdiskJson(image);
    expect(table.label).toBe('gpt');
    expect(table.partitions.map((p) => [p.start, p.size, p.type, p.name])).toEqual([
      [2048, 64 * 2048, GUID_ESP, 'ESP'],
      [(1 + 64) * 2048, 8 * 2048, GUID_BIOS_BOOT, 'BSP'],
      [(1 + 64 + 8) * 2048, (256 - 2 - 64 - 8) * 2048, GUID_LINUX, 'root'],
    ]);
    for (const p of table.partitions) {
      expect(p.start % 2048).toBe(0);
      expect(p.size % 2048).toBe(0);
    }
    const espOffset = MIB;
    const rootOffset = (1 + 64 + 8) * MIB;
    expect(state.blockdev['ESP']).toMatchObject({ offset: espOffset, size: 64 * MIB });
    expect(state.blockdev['root']).toMatchObject({ offset: rootOffset });

    expect(probe(image, espOffset)).toMatchObject({ TYPE: 'vfat', LABEL: 'MKFS_ESP', UUID: esp.uuid });
    expect(probe(image, rootOffset)).toMatchObject({ TYPE: 'ext4', LABEL: 'cloudimg-rootfs', UUID: root.uuid });

    // the ESP got the staged tree; the root fs only the empty mount point
    expect(vfatTree(image, espOffset)).toEqual(['/EFI/', '/EFI/BOOT/', '/EFI/BOOT/BOOTX64.EFI', '/startup.nsh']);
    expect(vfatCat(image, espOffset, '/EFI/BOOT/BOOTX64.EFI')).toBe('not really a bootloader\n');
    expect(extLs(image, rootOffset, '/boot')).toEqual(['efi', 'grub']);
    expect(extLs(image, rootOffset, '/boot/efi')).toEqual([]);
    expect(extLs(image, rootOffset, '/boot/grub')).toEqual(['grub.cfg']);

    await cleanupLeavesOnlyImage(session, ws);
  });
});
