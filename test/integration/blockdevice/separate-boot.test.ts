// A separate /boot: ext4 /boot and ext4 / on GPT. A kernel written under /boot lands in the boot
// filesystem; the root filesystem keeps an empty /boot directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootPartition, FSTAB_ROOT, partitionedDisk, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { MIB, cleanupLeavesOnlyImage, createIn, expectNoLeaks, extCat, extLs, probe, sfdiskJson, skipLifecycle, workspacePerTest } from './fixture.js';

const CONFIG = partitionedDisk('gpt', [bootPartition('32MiB', { fstab: {} }), rootPartition({ fstab: FSTAB_ROOT })], { size: '96MiB' });

const skip = skipLifecycle();

describe.skipIf(skip)('separate /boot', () => {
  const newWorkspace = workspacePerTest();

  it('mounts /boot on / and keeps their files apart', async () => {
    const ws = await newWorkspace();
    ws.params.rootFsType = 'ext4';
    ws.params.rootLabel = 'rootfs';
    const { session, state, image } = await createIn(ws, CONFIG, { partitionDevices: 'offset' });
    expect(session.getval('boot-label')).toBe('boot');
    expect(session.getval('root-label')).toBe('rootfs');
    expect(session.getval('mount-points')).toBe('/|/boot');
    expect(state.fstab).toEqual(['LABEL=rootfs / ext4 defaults 0 1', 'LABEL=boot /boot ext4 defaults 0 2']);

    writeFileSync(join(ws.params.mountBase, 'boot', 'vmlinuz'), 'kernel\n');
    mkdirSync(join(ws.params.mountBase, 'etc'));
    writeFileSync(join(ws.params.mountBase, 'etc', 'hostname'), 'tsdib\n');

    await session.umount();
    expectNoLeaks(ws);

    const table = sfdiskJson(image);
    expect(table.partitions.map((p) => [p.start, p.size, p.name])).toEqual([
      [2048, 32 * 2048, 'boot'],
      [33 * 2048, (96 - 2 - 32) * 2048, 'root'],
    ]);
    const bootOffset = MIB;
    const rootOffset = 33 * MIB;
    expect(probe(image, bootOffset)).toMatchObject({ TYPE: 'ext4', LABEL: 'boot', UUID: state.filesys['mkfs_boot']!.uuid });
    expect(probe(image, rootOffset)).toMatchObject({ TYPE: 'ext4', LABEL: 'rootfs', UUID: state.filesys['mkfs_root']!.uuid });
    expect(extCat(image, bootOffset, '/vmlinuz')).toBe('kernel\n');
    expect(extLs(image, rootOffset, '/boot')).toEqual([]);
    expect(extCat(image, rootOffset, '/etc/hostname')).toBe('tsdib\n');

    await cleanupLeavesOnlyImage(session, ws);
  });
});
