// MBR with three primary and two logical partitions (an extended container, EBR chain), holding
// ext4 /, swap, ext4 /home and ext4 /var: each file lands in its own filesystem.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIB, cleanupLeavesOnlyImage, createIn, expectNoLeaks, extCat, extLs, probe, sfdiskJson, skipLifecycle, workspacePerTest } from './fixture.js';

// DIB's graph notation (a flat list, every node named)
const CONFIG = `
- local_loop:
    name: disk
    size: 128MiB
- partitioning:
    base: disk
    label: mbr
    partitions:
      - { name: root, flags: [boot, primary], size: 16MiB }
      - { name: spare, flags: [primary], size: 16MiB, type: '0x0c' }
      - { name: swap, flags: [primary], size: 16MiB, type: '0x82' }
      - { name: home, size: 16MiB }
      - { name: var, size: 100% }
- mkfs: { name: mkfs_root, base: root, type: ext4, label: root }
- mkfs: { name: mkfs_swap, base: swap, type: swap }
- mkfs: { name: mkfs_home, base: home, type: ext4, uuid: 0f5ab4a2-0a4c-4d2c-9f2b-6f4f2b8e9c11 }
- mkfs: { name: mkfs_var, base: var, type: ext4, label: var, opts: "-m 0 -i 8192" }
- mount: { name: mount_root, base: mkfs_root, mount_point: / }
- mount: { name: mount_home, base: mkfs_home, mount_point: /home }
- mount: { name: mount_var, base: mkfs_var, mount_point: /var }
- mount: { name: mount_swap, base: mkfs_swap, mount_point: none }
- fstab: { name: fstab_root, base: mount_root, fsck-passno: 1 }
- fstab: { name: fstab_swap, base: mount_swap }
- fstab: { name: fstab_var, base: mount_var, options: "defaults,noatime", dump-freq: 1 }
- fstab: { name: fstab_home, base: mount_home, options: nodev }
`;

const skip = skipLifecycle();

describe.skipIf(skip)('MBR with 3 primary and 2 logical partitions', () => {
  const newWorkspace = workspacePerTest();

  it('writes the extended chain, makes every filesystem and fills each through its mount', async () => {
    const ws = await newWorkspace();
    const { session, state, image } = await createIn(ws, CONFIG, { partitionDevices: 'offset' }, 'disk');

    expect(state.mounts.map((m) => [m.mountPoint, m.fstype])).toEqual([
      ['/', 'ext4'],
      ['/home', 'ext4'],
      ['/var', 'ext4'],
      ['none', 'swap'],
    ]);
    // DIB's lines in mount order; swap is always "none swap sw 0 0"; a filesystem's label defaults to its node name
    expect(state.fstab).toEqual([
      'LABEL=root / ext4 defaults 0 1',
      'LABEL=mkfs_home /home ext4 nodev 0 2',
      'LABEL=var /var ext4 defaults,noatime 1 2',
      'LABEL=mkfs_swap none swap sw 0 0',
    ]);
    expect(session.imageBlockDevice).toBe(state.blockdev['disk']!.device);

    writeFileSync(join(ws.params.mountBase, 'in-root'), 'root\n');
    writeFileSync(join(ws.params.mountBase, 'home', 'in-home'), 'home\n');
    writeFileSync(join(ws.params.mountBase, 'var', 'in-var'), 'var\n');

    await session.umount();
    expectNoLeaks(ws);

    const table = sfdiskJson(image);
    expect(table.label).toBe('dos');
    const disk = 128 * 2048;
    expect(table.partitions.map((p) => [p.node.slice(image.length), p.start, p.size, p.type, p.bootable ?? false])).toEqual([
      ['1', 2048, 16 * 2048, '83', true],
      ['2', 17 * 2048, 16 * 2048, 'c', false],
      ['3', 33 * 2048, 16 * 2048, '82', false],
      ['4', 49 * 2048, disk - 49 * 2048, 'f', false],
      // each logical: its EBR at the aligned start, its data one alignment later
      ['5', 50 * 2048, 16 * 2048, '83', false],
      ['6', 67 * 2048, disk - 67 * 2048, '83', false],
    ]);
    for (const p of table.partitions) expect(p.start % 2048).toBe(0);

    const at = (name: string) => state.blockdev[name]!.offset!;
    expect([at('root'), at('spare'), at('swap'), at('home'), at('var')]).toEqual([1, 17, 33, 50, 67].map((m) => m * MIB));
    expect(probe(image, at('root'))).toMatchObject({ TYPE: 'ext4', LABEL: 'root', UUID: state.filesys['mkfs_root']!.uuid });
    expect(probe(image, at('swap'))).toMatchObject({ TYPE: 'swap', LABEL: 'mkfs_swap', UUID: state.filesys['mkfs_swap']!.uuid });
    expect(probe(image, at('home'))).toMatchObject({ TYPE: 'ext4', LABEL: 'mkfs_home', UUID: '0f5ab4a2-0a4c-4d2c-9f2b-6f4f2b8e9c11' });
    expect(probe(image, at('var'))).toMatchObject({ TYPE: 'ext4', LABEL: 'var' });

    expect(extCat(image, at('root'), '/in-root')).toBe('root\n');
    expect(extLs(image, at('root'), '/home')).toEqual([]);
    expect(extLs(image, at('root'), '/var')).toEqual([]);
    expect(extCat(image, at('home'), '/in-home')).toBe('home\n');
    expect(extCat(image, at('var'), '/in-var')).toBe('var\n');
    expect(extLs(image, at('var'), '/')).toEqual(['in-var', 'lost+found']);

    await cleanupLeavesOnlyImage(session, ws, 'disk');
  });
});
