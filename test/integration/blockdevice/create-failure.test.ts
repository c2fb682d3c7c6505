// Creation that fails midway leaves every acquired resource on the release stack; releaseAll()
// then undoes them all: no loop device, no mount, no image file. And a config that cannot be
// built here (lvm without device-mapper) is refused before anything is touched.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasDeviceMapper } from '../../../src/host/device-mapper.js';
import { isTsdibError } from '../../../src/errors.js';
import { esp, filesystem, partitionedDisk, rootPartition } from '../../fixtures/block-device/layouts.mjs';
import { skipOnHost } from '../../helpers/resources.js';
import { createIn, expectNoLeaks, imageOf, leaksSince, skipLifecycle, treeOf, workspacePerTest } from './fixture.js';

const BAD_MKFS = partitionedDisk(
  'gpt',
  [
    esp('32MiB'),
    rootPartition({}, { size: '48MiB' }),
    // a feature ext4 does not have: mkfs fails after loops and mounts exist
    { name: 'data', size: '100%', mkfs: filesystem('/srv', { type: 'ext4', opts: '-O no_such_feature' }) },
  ],
  { size: '128MiB' },
);

// DIB's block-device-efi-lvm shape, cut down
const LVM = `
- local_loop:
    name: image0
- partitioning:
    base: image0
    label: mbr
    partitions:
      - name: root
        flags: [primary]
        size: 100%
- lvm:
    name: lvm
    base: [root]
    pvs:
      - name: pv
        base: root
    vgs:
      - name: vg
        base: [pv]
    lvs:
      - name: lv_root
        base: vg
        extents: 100%FREE
- mkfs:
    name: mkfs_root
    base: lv_root
- mount:
    name: mount_mkfs_root
    base: mkfs_root
    mount_point: /
`;

const dm = await hasDeviceMapper();
const skip = skipLifecycle();

describe.skipIf(skip)('block-device creation failures', () => {
  const newWorkspace = workspacePerTest();

  it('leaves what it acquired on the release stack, and releaseAll() undoes all of it', async () => {
    const ws = await newWorkspace();
    const image = imageOf(ws);
    const err = await createIn(ws, BAD_MKFS, { partitionDevices: 'offset' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTsdibError(err) && err.code).toBe('HOST_COMMAND_FAILED');
    expect((err as Error).message).toContain('mkfs -t ext4 -O no_such_feature');

    // held at the moment of failure: disk + 3 partition loops, the root mount and the ESP staging mount
    const held = leaksSince(ws);
    expect(held.loops).toHaveLength(4);
    expect(held.mounts.sort()).toEqual([ws.params.mountBase, join(ws.params.mountBase, 'boot', 'efi')]);
    expect(existsSync(image)).toBe(true);
    const saved = JSON.parse(readFileSync(join(ws.params.buildDir, 'block-device', 'state.json'), 'utf8')) as { phase: string; held: unknown[] };
    expect(saved.phase).toBe('failed');
    expect(saved.held).toHaveLength(7);

    const failures = await ws.release.releaseAll();
    expect(failures).toEqual([]);
    expectNoLeaks(ws);
    expect(existsSync(image)).toBe(false);
  });

  it.skipIf(skipOnHost(!dm, 'lvm refusal', 'this host has device-mapper'))(
    'refuses lvm on a host without device-mapper before touching anything',
    async () => {
      const ws = await newWorkspace();
      const err = await createIn(ws, LVM).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isTsdibError(err) && err.code).toBe('BLOCK_DEVICE_FAILED');
      expect((err as Error).message).toContain('lvm needs device-mapper, which this host lacks');
      expect(ws.release.size).toBe(0);
      expectNoLeaks(ws);
      expect(treeOf(ws.root)).toEqual(['build/']);
    },
  );
});
