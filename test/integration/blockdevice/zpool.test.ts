// A ZFS pool on a GPT partition: datasets mounted under the mount base (the ZFS `/` with an ext4
// /boot on it and a second dataset at /home), files written land in the pool; at umount the pool
// is exported and renamed to rpool, with bootfs and datasets intact, and nothing is left imported,
// attached or mounted. A creation that fails after the pool exists leaves no pool.
// Runs with OpenZFS or zfs-fuse (started and stopped by the lifecycle when no ZFS answers).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBlockDevice } from '../../../src/blockdevice/lifecycle.js';
import { importedPools } from '../../../src/host/zfs.js';
import { hasCommand, skipUnless } from '../../helpers/resources.js';
import { cleanupLeavesOnlyImage, expectNoLeaks, extCat, imageOf, loadGraph, sfdiskJson, skipLifecycle, workspacePerTest } from './fixture.js';

const zfsHere = hasCommand('zpool') && hasCommand('zfs') && (hasCommand('zfs-fuse') || zpoolAnswers());
const skip = skipLifecycle('zpool lifecycle on loop devices') || skipUnless(zfsHere, 'zpool lifecycle', 'needs zpool/zfs and either a ZFS kernel module or zfs-fuse');

function zpoolAnswers(): boolean {
  try {
    execFileSync('zpool', ['list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const suffix = () => Math.random().toString(16).slice(2, 10);

function config(buildName: string, extraDataset = ''): string {
  return `
- local_loop:
    name: image0
    size: 256MiB
- partitioning:
    base: image0
    label: gpt
    partitions:
      - name: BSP
        type: 'EF02'
        size: 1MiB
      - name: boot
        type: '8300'
        size: 48MiB
        mkfs:
          type: ext4
          label: boot
          mount:
            mount_point: /boot
            fstab: {}
      - name: zfs
        type: 'BF01'
        size: 100%
        zpool:
          build_name: ${buildName}
          final_name: rpool
          filesystem_properties: { atime: off, compression: lzjb }
          datasets:
            - name: ROOT
              canmount: off
              mountpoint: none
            - name: ROOT/ubuntu
              canmount: noauto
              mountpoint: /
            - name: home
              mountpoint: /home
${extraDataset}`;
}

const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

describe.skipIf(skip)('zpool: a ZFS root on a GPT partition', () => {
  const newWorkspace = workspacePerTest();

  it('copies into the datasets, then exports the pool renamed to rpool with bootfs and datasets, leaving nothing behind', async () => {
    const ws = await newWorkspace();
    const buildName = `tsdib-itest-${suffix()}`;
    const graph = await loadGraph(config(buildName), ws);
    expect(graph.order.indexOf('zpool_zfs')).toBeLessThan(graph.order.indexOf('mount_mkfs_boot'));
    const session = await createBlockDevice(graph, ws.params, ws.release, { partitionDevices: 'offset' });
    const image = imageOf(ws);

    expect(session.getval('mount-points')).toBe('/|/home|/boot');
    expect(session.getval('root-fstype')).toBe('zfs');
    expect(session.getval('root-label')).toBe('rpool');
    expect(session.pathOf('/')).toBe(ws.params.mountBase);
    // the ZFS datasets get no fstab line; /boot does
    expect(session.state.fstab).toEqual(['LABEL=boot /boot ext4 defaults 0 2']);
    expect(await importedPools()).toContain(buildName);
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    expect(mounts).toContain(` ${ws.params.mountBase} `);

    mkdirSync(join(ws.params.mountBase, 'etc'));
    writeFileSync(join(ws.params.mountBase, 'etc', 'hostname'), 'zfsroot\n');
    writeFileSync(join(ws.params.mountBase, 'home', 'note'), 'in the home dataset\n');
    writeFileSync(join(ws.params.mountBase, 'boot', 'vmlinuz'), 'kernel\n');

    await session.umount();
    expectNoLeaks(ws);
    const pools = await importedPools();
    expect(pools).not.toContain(buildName);
    expect(pools).not.toContain('rpool');

    // the ext4 /boot holds the kernel
    const table = sfdiskJson(image);
    const [, boot, zfs] = table.partitions;
    expect(extCat(image, boot!.start * 512, '/vmlinuz')).toBe('kernel\n');

    // look at the pool through our own loop device: it is rpool now
    const loop = sh('losetup', ['--show', '-f', '-o', String(zfs!.start * 512), '--sizelimit', String(zfs!.size * 512), image]);
    const dir = mkdtempSync(join(ws.root, 'look-'));
    const altroot = join(dir, 'altroot');
    mkdirSync(altroot);
    symlinkSync(loop, join(dir, 'vdev'));
    try {
      expect(sh('zpool', ['import', '-d', dir])).toMatch(/pool: rpool\b/);
      sh('zpool', ['import', '-d', dir, '-R', altroot, 'rpool']);
      try {
        expect(sh('zpool', ['list', '-H', '-o', 'bootfs', 'rpool'])).toBe('rpool/ROOT/ubuntu');
        expect(sh('zfs', ['list', '-H', '-o', 'name', '-r', 'rpool']).split('\n')).toEqual(['rpool', 'rpool/ROOT', 'rpool/ROOT/ubuntu', 'rpool/home']);
        expect(sh('zfs', ['get', '-H', '-o', 'value', 'canmount', 'rpool/ROOT/ubuntu'])).toBe('noauto');
        expect(sh('zfs', ['get', '-H', '-o', 'value', 'canmount', 'rpool/home'])).toBe('on');
        expect(sh('zfs', ['get', '-H', '-o', 'value', 'compression', 'rpool/home'])).toBe('lzjb');
        // the import mounted rpool/home (canmount=on) at <altroot>/home: mount / first, then /home
        sh('zfs', ['umount', '-a']);
        rmdirSync(join(altroot, 'home'));
        sh('zfs', ['mount', 'rpool/ROOT/ubuntu']);
        sh('zfs', ['mount', 'rpool/home']);
        expect(readFileSync(join(altroot, 'etc', 'hostname'), 'utf8')).toBe('zfsroot\n');
        expect(readFileSync(join(altroot, 'home', 'note'), 'utf8')).toBe('in the home dataset\n');
      } finally {
        sh('zpool', ['export', 'rpool']);
      }
    } finally {
      execFileSync('losetup', ['-d', loop]);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await importedPools()).not.toContain('rpool');

    await cleanupLeavesOnlyImage(session, ws);
  });

  it.each([
    ['a pool comment over zpool\'s 32 characters (zpool create fails)', (b: string) => config(b).replace('final_name: rpool', `final_name: rpool\n          pool_properties: { comment: ${'c'.repeat(40)} }`)],
    ['an invalid dataset property (fails after the pool exists)', (b: string) => config(b, '            - name: srv\n              properties: { no-such-property: 1 }')],
  ])('a creation failing on %s leaves no pool, loop device or mount once released', async (_what, make) => {
    const ws = await newWorkspace();
    const buildName = `tsdib-itest-${suffix()}`;
    const graph = await loadGraph(make(buildName), ws);
    await expect(createBlockDevice(graph, ws.params, ws.release, { partitionDevices: 'offset' })).rejects.toThrow(/zpool create|zfs create/);
    expect(ws.release.snapshot().some((e) => e.resource.kind === 'zpool' && e.resource.name === buildName)).toBe(true);
    await ws.release.releaseAll();
    expect(await importedPools()).not.toContain(buildName);
    expectNoLeaks(ws);
  });
});
