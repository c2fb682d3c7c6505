import { describe, expect, it } from 'vitest';
import { loadBlockDeviceConfig } from '../../../../src/blockdevice/load-config.js';
import { planOfflineDisk } from '../../../../src/blockdevice/offline/plan-from-graph.js';
import { fstabLine, fstabText } from '../../../../src/blockdevice/plugins/fstab.js';
import { configProblems, DISK, PARAMS } from './config-problems.js';

describe('fstab plugin', () => {
  it('writes DIB\'s six fields', () => {
    expect(fstabLine({ spec: 'LABEL=root', mountPoint: '/', fstype: 'ext4', options: 'defaults', dump: 0, passno: 1 })).toBe('LABEL=root / ext4 defaults 0 1');
    expect(fstabText({ blockdev: {}, filesys: {}, mounts: [], fstab: ['a', 'b'] })).toBe('a\nb\n');
  });

  it.each([
    ['a base that is no mount', `${DISK}- mkfs: {name: fs, base: image0, type: ext4}\n- fstab: {name: f, base: fs}\n`, '[2].fstab.base', '"fs" is a mkfs node; fstab needs a mount node'],
    ['options with spaces', `${DISK}- mkfs: {name: fs, base: image0, type: ext4, mount: {mount_point: /, fstab: {options: 'a, b'}}}\n`, '[1].mkfs.mount.fstab.options', 'must not contain spaces'],
  ])('refuses %s', async (_, yaml, path, message) => {
    expect(await configProblems(yaml)).toContainEqual({ path, message: expect.stringContaining(message) });
  });

  it('makes the lines from the state in the order of its mounts, swap always as "sw 0 0"', async () => {
    const yaml = `${DISK}- partitioning:
    base: image0
    label: gpt
    partitions:
      - {name: swap, size: 64MiB}
      - {name: root, size: 100%}
- mkfs: {name: mkfs_swap, base: swap, type: swap, uuid: 11111111-2222-4333-8444-555555555555, mount: {mount_point: none, fstab: {options: noauto}}}
- mkfs: {name: mkfs_root, base: root, type: ext4, mount: {mount_point: /, fstab: {options: 'defaults,noatime', fsck-passno: 1}}}
`;
    const { state } = await planOfflineDisk(await loadBlockDeviceConfig(yaml, 'disk.yaml', PARAMS), PARAMS);
    expect(state.fstab).toEqual(['LABEL=mkfs_swap none swap sw 0 0', 'LABEL=cloudimg-rootfs / ext4 defaults,noatime 0 1']);
    expect(state.mounts.map((m) => m.mountPoint)).toEqual(['none', '/']);
  });
});
