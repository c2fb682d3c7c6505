import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import { planOfflineDisk } from '../../../../src/blockdevice/offline/plan-from-graph.js';
import { bootDataset, datasetMountPoints, datasetSpecs } from '../../../../src/blockdevice/plugins/zpool/datasets.js';
import { poolSpec, zpoolCreateArgs } from '../../../../src/blockdevice/plugins/zpool/pool.js';
import { configProblems, DISK, PARAMS } from './config-problems.js';

const pool = (datasets: string, extra = ''): string => `${DISK}- zpool:\n    name: pool\n    base: image0\n${extra}    datasets:\n${datasets}`;
const ROOT = '      - {name: ROOT, canmount: off}\n      - {name: ROOT/debian, mountpoint: /, canmount: noauto}\n      - {name: ROOT/debian/var}\n';

describe('zpool plugin', () => {
  it('mounts datasets where ZFS would: own mountpoint, else the parent\'s plus the leaf; canmount=off left out', () => {
    const config = { datasets: [{ name: 'ROOT', canmount: false }, { name: 'ROOT/debian', mountpoint: '/', canmount: 'noauto' }, { name: 'ROOT/debian/var' }] };
    expect(datasetSpecs(config)[0]).toEqual({ name: 'ROOT', properties: { canmount: 'off' } });
    expect(datasetMountPoints(datasetSpecs(config))).toEqual([
      { dataset: 'ROOT/debian', mountPoint: '/' },
      { dataset: 'ROOT/debian/var', mountPoint: '/var' },
    ]);
    expect(bootDataset(config)).toBe('ROOT/debian');
  });

  it('makes the pool with ashift=12, under the altroot, its root dataset unmounted', () => {
    const node = { plugin: 'zpool', kind: 'zpool', name: 'pool', base: ['image0'], config: { filesystem_properties: { atime: false } }, configPath: '[1].zpool', entry: 1 };
    const spec = poolSpec(node, 'tsdib-build');
    expect(spec.finalName).toBe('rpool');
    expect(zpoolCreateArgs(spec, '/dev/loop7', '/w/mnt')).toEqual(['create', '-f', '-o', 'ashift=12', '-R', '/w/mnt', '-m', 'none', '-O', 'atime=off', 'tsdib-build', '/dev/loop7']);
  });

  it.each([
    ['a dataset before its parent', pool('      - {name: ROOT/debian, mountpoint: /}\n'), '[1].zpool.datasets[0].name', 'comes before its parent "ROOT"'],
    ['a build name equal to the final name', pool(ROOT, '    build_name: rpool\n'), '[1].zpool.build_name', 'equals the final name'],
    ['a bootfs that is no dataset', pool(ROOT, '    bootfs: ROOT/other\n'), '[1].zpool.bootfs', 'is not one of the datasets'],
  ])('refuses %s', async (_, yaml, path, message) => {
    expect(await configProblems(yaml)).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('is refused by offline assembly, which cannot make a pool', async () => {
    const graph = await loadBlockDeviceConfig(pool(ROOT), 'disk.yaml', PARAMS);
    await expect(planOfflineDisk(graph, PARAMS)).rejects.toThrow('[1].zpool: zpool "pool" cannot be assembled offline: a ZFS pool is made by the zfs daemon on a block device');
  });
});
