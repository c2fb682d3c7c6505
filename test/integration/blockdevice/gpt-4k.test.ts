// DIB's block-device-efi-4k: a disk with 4096-byte logical sectors (block_size: 4096). The GPT
// is written in 4 KiB LBAs, every loop device has 4 KiB sectors, and the ESP still gets its files.
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esp, partitionedDisk, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { MIB, cleanupLeavesOnlyImage, createIn, extCat, probe, skipLifecycle, vfatTree, workspacePerTest } from './fixture.js';

// DIB's block-device-efi-4k shape: block_size 4096 on the disk
const CONFIG = partitionedDisk('gpt', [esp('64MiB', { label: 'efi' }), rootPartition()], { size: '192MiB', block_size: 4096 });

const skip = skipLifecycle();

describe.skipIf(skip)('4 KiB logical sectors', () => {
  const newWorkspace = workspacePerTest();

  it('writes the table in 4 KiB LBAs and attaches 4 KiB-sector loop devices', async () => {
    const ws = await newWorkspace();
    const { session, state, image } = await createIn(ws, CONFIG, { partitionDevices: 'offset' });
    for (const name of ['image0', 'ESP', 'root']) {
      const sector = execFileSync('blockdev', ['--getss', state.blockdev[name]!.device], { encoding: 'utf8' }).trim();
      expect([name, sector]).toEqual([name, '4096']);
    }
    mkdirSync(join(session.pathOf('/boot/efi')!, 'EFI'));
    writeFileSync(join(session.pathOf('/boot/efi')!, 'EFI', 'x.efi'), 'efi\n');
    writeFileSync(join(session.pathOf('/')!, 'y'), 'root\n');
    await session.umount();

    // sfdisk takes the sector size from the device: read the image through a read-only 4 KiB loop
    const reader = execFileSync('losetup', ['--show', '--find', '--read-only', '--sector-size', '4096', image], { encoding: 'utf8' }).trim();
    let json: string;
    try {
      json = execFileSync('sfdisk', ['--json', reader], { encoding: 'utf8' });
    } finally {
      execFileSync('losetup', ['--detach', reader]);
    }
    const table = JSON.parse(json) as { partitiontable: { sectorsize: number; partitions: Array<{ start: number; size: number }> } };
    expect(table.partitiontable.sectorsize).toBe(4096);
    expect(table.partitiontable.partitions.map((p) => [p.start, p.size])).toEqual([
      [256, 64 * 256],
      [65 * 256, (192 - 2 - 64) * 256],
    ]);
    expect(probe(image, MIB)).toMatchObject({ TYPE: 'vfat', LABEL: 'EFI' });
    expect(probe(image, 65 * MIB)).toMatchObject({ TYPE: 'ext4', UUID: state.filesys['mkfs_root']!.uuid });
    expect(vfatTree(image, MIB)).toEqual(['/EFI/', '/EFI/x.efi']);
    expect(extCat(image, 65 * MIB, '/y')).toBe('root\n');

    await cleanupLeavesOnlyImage(session, ws);
  });
});
