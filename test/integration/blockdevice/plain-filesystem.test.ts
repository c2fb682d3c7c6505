// DIB's built-in fallback config: the root filesystem directly on the loop image, no partition
// table — for each root filesystem type a build can ask for (FS_TYPE), and with a swap image.
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_BLOCK_DEVICE_CONFIG } from '../../../src/blockdevice/config-source.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';
import { MIB, cleanupLeavesOnlyImage, createIn, expectNoLeaks, extCat, imageOf, probe, skipLifecycle, treeOf, workspacePerTest } from './fixture.js';

const skip = skipLifecycle();

// xfs needs at least 300 MiB, btrfs about 110 MiB
const CASES: Array<[string, number, string]> = [
  ['ext4', 64 * MIB, 'cloudimg-rootfs'],
  ['xfs', 320 * MIB, 'img-rootfs'],
  ['btrfs', 160 * MIB, 'cloudimg-rootfs'],
];

describe.skipIf(skip)('root filesystem on the whole loop image (built-in config)', () => {
  const newWorkspace = workspacePerTest();

  it.each(CASES)('makes and mounts %s with DIB\'s default label', async (fsType, size, label) => {
    if (skipUnless(hasCommand(`mkfs.${fsType}`), `${fsType} root`, `mkfs.${fsType} is missing`)) return;
    const ws = await newWorkspace(size);
    ws.params.rootFsType = fsType;
    const { session, image } = await createIn(ws, BUILTIN_BLOCK_DEVICE_CONFIG);
    const fs = session.state.filesys['mkfs_root']!;
    expect(fs).toMatchObject({ fstype: fsType, label, device: session.imageBlockDevice });
    expect(session.getval('image-path')).toBe(image);
    expect(session.fstabText()).toBe(`LABEL=${label} / ${fsType} defaults 0 1\n`);
    writeFileSync(join(ws.params.mountBase, 'hello'), `${fsType}\n`);

    await session.umount();
    expectNoLeaks(ws);
    expect(probe(image, 0)).toMatchObject({ TYPE: fsType, LABEL: label, UUID: fs.uuid });
    if (fsType === 'ext4') expect(extCat(image, 0, '/hello')).toBe('ext4\n');
    if (fsType === 'xfs') expect(execFileSync('xfs_db', ['-r', '-c', 'ls /', image], { encoding: 'utf8' })).toContain('hello');
    if (fsType === 'btrfs') {
      const r = spawnSync('btrfs', ['inspect-internal', 'dump-tree', '-t', 'fs', image], { encoding: 'utf8', maxBuffer: 64 * MIB });
      expect(r.stdout).toContain('name: hello');
    }

    await cleanupLeavesOnlyImage(session, ws);
  });

  it('makes swap on a second image and lists it as "none swap sw 0 0"', async () => {
    const ws = await newWorkspace(64 * MIB);
    const config = `${BUILTIN_BLOCK_DEVICE_CONFIG}
- local_loop:
    name: swapdisk
    size: 16MiB
    mkfs:
      name: mkfs_swap
      type: swap
      mount:
        mount_point: none
        fstab: {}
`;
    const { session } = await createIn(ws, config);
    const swap = session.state.filesys['mkfs_swap']!;
    expect(session.state.fstab).toEqual(['LABEL=cloudimg-rootfs / ext4 defaults 0 1', 'LABEL=mkfs_swap none swap sw 0 0']);
    expect(session.getval('mount-points')).toBe('/|none');
    expect(session.imageBlockDevices).toContain(` [swapdisk]=${session.state.blockdev['swapdisk']!.device} `);
    await session.cleanup();
    expectNoLeaks(ws);
    expect(probe(imageOf(ws, 'swapdisk'), 0)).toMatchObject({ TYPE: 'swap', LABEL: 'mkfs_swap', UUID: swap.uuid });
    expect(treeOf(ws.root)).toEqual(['build/', 'images/', 'images/image0.raw', 'images/swapdisk.raw']);
  });
});
