import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import { planOfflineDisk } from '../../../../src/blockdevice/offline/plan-from-graph.js';
import { compareMountPoints, mountPath } from '../../../../src/blockdevice/plugins/mount/index.js';
import { configProblems, DISK, PARAMS } from './config-problems.js';

const fs = (name: string, mp: string, type = 'ext4'): string => `- mkfs: {name: ${name}, base: image0, type: ${type}, mount: {mount_point: ${mp}}}\n`;

/** A filesystem on a loop disk of its own (one device holds one filesystem). */
const onOwnDisk = (name: string, mp: string, type = 'ext4'): string => `- local_loop: {name: disk_${name}}\n- mkfs: {name: ${name}, base: disk_${name}, type: ${type}, mount: {mount_point: ${mp}}}\n`;

describe('mount plugin', () => {
  it('orders mount points as DIB does (plain string order) and maps them under the mount base', () => {
    expect(['/var', '/', 'none', '/boot/efi', '/boot'].sort(compareMountPoints)).toEqual(['/', '/boot', '/boot/efi', '/var', 'none']);
    expect(mountPath('/w/mnt', '/')).toBe('/w/mnt');
    expect(mountPath('/w/mnt', '/boot/efi')).toBe('/w/mnt/boot/efi');
  });

  it.each([
    ['a mount point used twice', `${DISK}${fs('a', '/var')}${fs('b', '/var')}`, '[2].mkfs.mount.mount_point', 'mount point "/var" specified more than once (also [1].mkfs.mount)'],
    ['a relative mount point', `${DISK}${fs('a', 'var')}`, '[1].mkfs.mount.mount_point', 'must be an absolute path such as /var'],
    ['"none" for a filesystem that is not swap', `${DISK}${fs('a', 'none')}`, '[1].mkfs.mount.mount_point', 'only for swap'],
    ['a base that is no filesystem', `${DISK}- mount: {name: m, base: image0, mount_point: /}\n`, '[1].mount.base', '"image0" is a local_loop node; mount needs a filesystem'],
  ])('refuses %s', async (_, yaml, path, message) => {
    expect(await configProblems(yaml)).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it.each([
    ['after the root', `${onOwnDisk('root', '/')}${onOwnDisk('s', '/', 'swap')}`, '[3].mkfs.mount.mount_point'],
    ['before the root', `${onOwnDisk('s', '/', 'swap')}${onOwnDisk('root', '/')}`, '[1].mkfs.mount.mount_point'],
  ])('refuses swap "mounted" at / with one message, not also as a second / (%s)', async (_, yaml, path) => {
    expect(await configProblems(yaml, { forBuild: true })).toEqual([{ path, message: 'swap ("s") is not mounted; write mount_point: none' }]);
  });

  it('chains the mounts in mount-point order whatever the config order', async () => {
    const g = await loadBlockDeviceConfig(`${onOwnDisk('a', '/var/log')}${onOwnDisk('b', '/')}${onOwnDisk('c', '/var')}`, 'disk.yaml', {});
    const mounts = g.order.filter((n) => n.startsWith('mount_'));
    expect(mounts).toEqual(['mount_b', 'mount_c', 'mount_a']);
  });

  it('tells offline assembly which part of the tree fills each filesystem', async () => {
    const yaml = `${DISK}${fs('mkfs_root', '/')}`;
    const { disk, state } = await planOfflineDisk(await loadBlockDeviceConfig(yaml, 'disk.yaml', PARAMS), PARAMS);
    expect(disk.filesystems.map((f) => [f.name, f.mountPoint])).toEqual([['mkfs_root', '/']]);
    expect(state.mounts).toEqual([{ mountPoint: '/', node: 'mount_mkfs_root', path: '/w/mnt', fstype: 'ext4' }]);
  });
});
