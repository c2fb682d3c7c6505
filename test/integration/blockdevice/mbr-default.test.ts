// DIB's default MBR layout (block-device-mbr): one bootable primary partition over the whole disk,
// ext4 root, created → filled → umounted → cleaned up on real loop devices.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBlockDevice } from '../../../src/blockdevice/lifecycle.js';
import type { PartitionDeviceMode } from '../../../src/blockdevice/lifecycle.js';
import { skipOnHost } from '../../helpers/resources.js';
import { MIB, cleanupLeavesOnlyImage, expectNoLeaks, extCat, imageOf, loadGraph, probe, sfdiskJson, skipLifecycle, workspacePerTest } from './fixture.js';

// DIB's elements/block-device-mbr/block-device-default.yaml, in its tree notation
const DEFAULT_MBR = `
- local_loop:
    name: image0

- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: root
        flags: [ boot, primary ]
        size: 100%
        mkfs:
          mount:
            mount_point: /
            fstab:
              options: "defaults"
              fsck-passno: 1
`;

/** Whether `partx --add` gives kernel partition devices for a loop device on this host. */
function kernelPartitionsWork(): boolean {
  const file = `/tmp/tsdib-partx-probe-${process.pid}.raw`;
  let dev = '';
  try {
    execFileSync('truncate', ['-s', '8M', file]);
    execFileSync('sfdisk', ['-q', file], { input: 'label: dos\n,4M\n' });
    dev = execFileSync('losetup', ['--show', '--find', file], { encoding: 'utf8' }).trim();
    execFileSync('partx', ['--add', dev], { stdio: 'ignore' });
    const name = dev.slice('/dev/'.length);
    return existsSync(`/sys/block/${name}/${name}p1`);
  } catch {
    return false;
  } finally {
    // without partition scan, the kernel keeps BLKPG partitions across a detach: delete them first
    if (dev) execFileSync('sh', ['-c', `partx --delete ${dev}; losetup --detach ${dev}`], { stdio: 'ignore' });
    execFileSync('rm', ['-f', file]);
  }
}

const skip = skipLifecycle();
const noKernelPartitions = !skip && skipOnHost(kernelPartitionsWork(), 'kernel partition devices (partx --add)', 'this host gives no /dev/loopNpK');

describe.skipIf(skip)('DIB default MBR layout', () => {
  const newWorkspace = workspacePerTest();

  it.each<[PartitionDeviceMode, 'graph' | 'ordered nodes and entries']>([
    ['offset', 'graph'],
    ['kernel', 'graph'],
    ['auto', 'ordered nodes and entries'],
  ])('builds, fills, unmounts and cleans up with %s partition devices, given the %s', async (mode, input) => {
    if (mode === 'kernel' && noKernelPartitions) return;
    const ws = await newWorkspace(64 * MIB);
    const graph = await loadGraph(DEFAULT_MBR, ws);
    const ordered = graph.order.map((name) => graph.nodes.find((n) => n.name === name)!);
    const session = await createBlockDevice(input === 'graph' ? graph : { nodes: ordered, entries: graph.entries }, ws.params, ws.release, {
      partitionDevices: mode,
    });
    const image = imageOf(ws);
    const { state } = session;

    // the devices: a whole-disk loop and the partition's own device
    expect(state.blockdev['image0']).toMatchObject({ image, offset: 0, size: 64 * MIB });
    if (mode !== 'auto') expect(state.blockdev['root']!.device).toMatch(mode === 'kernel' ? /^\/dev\/loop\d+p1$/ : /^\/dev\/loop\d+$/);
    expect(state.blockdev['root']).toMatchObject({ image, offset: MIB, size: 62 * MIB });
    expect(session.imageBlockDevice).toBe(state.blockdev['image0']!.device);
    expect(session.imageBlockDevices).toBe(` [image0]=${state.blockdev['image0']!.device}  [root]=${state.blockdev['root']!.device} `);

    // the filesystem and its mount
    const fs = state.filesys['mkfs_root']!;
    expect(fs).toMatchObject({ fstype: 'ext4', label: 'cloudimg-rootfs', device: state.blockdev['root']!.device });
    expect(state.mounts).toEqual([{ mountPoint: '/', node: 'mount_mkfs_root', path: ws.params.mountBase, fstype: 'ext4' }]);
    expect(session.getval('root-label')).toBe('cloudimg-rootfs');
    expect(session.getval('root-fstype')).toBe('ext4');
    expect(session.getval('mount-points')).toBe('/');
    expect(session.fstabText()).toBe('LABEL=cloudimg-rootfs / ext4 defaults 0 1\n');

    // the state file follows the build
    const saved = JSON.parse(readFileSync(session.stateFile, 'utf8')) as { phase: string; state: unknown };
    expect(saved.phase).toBe('created');
    expect(saved.state).toEqual(state);

    mkdirSync(join(ws.params.mountBase, 'etc'));
    writeFileSync(join(ws.params.mountBase, 'etc', 'fstab'), session.fstabText());
    writeFileSync(join(ws.params.mountBase, 'hello'), 'hello from the root fs\n');

    await session.umount();
    expectNoLeaks(ws);

    // the partition table, read from the image by sfdisk
    const table = sfdiskJson(image);
    expect(table.label).toBe('dos');
    expect(table.partitions).toHaveLength(1);
    expect(table.partitions[0]).toMatchObject({ start: 2048, size: 62 * 2048, type: '83', bootable: true });

    // the filesystem, probed at the partition's offset; the files landed in it
    expect(probe(image, MIB)).toMatchObject({ TYPE: 'ext4', LABEL: 'cloudimg-rootfs', UUID: fs.uuid });
    expect(extCat(image, MIB, '/hello')).toBe('hello from the root fs\n');
    expect(extCat(image, MIB, '/etc/fstab')).toBe('LABEL=cloudimg-rootfs / ext4 defaults 0 1\n');
    execFileSync('e2fsck', ['-fn', `${image}?offset=${MIB}`], { stdio: 'ignore' });

    // only the raw image is left: no state, no mount point dirs, no temp files
    await cleanupLeavesOnlyImage(session, ws);
    expect(ws.release.size).toBe(0);
  });
});
