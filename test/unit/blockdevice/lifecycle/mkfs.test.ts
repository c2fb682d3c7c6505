import { describe, expect, it } from 'vitest';
import { filesystemSpec, mkfsCommand } from '../../../../src/blockdevice/lifecycle/mkfs.js';
import type { BlockDeviceParams, ConfigNode } from '../../../../src/blockdevice/types.js';

const PARAMS: BlockDeviceParams = {
  imageDir: '/w/images',
  imageSize: 1 << 30,
  mountBase: '/w/mnt',
  buildDir: '/w',
  rootFsType: 'ext4',
  rootLabel: undefined,
  rootFsOpts: undefined,
};

function mkfs(name: string, config: Record<string, unknown>): ConfigNode {
  return { plugin: 'mkfs', kind: 'mkfs', name, base: ['root'], config, configPath: `[0].mkfs`, entry: 0 };
}

const UUID = '0f5ab4a2-0a4c-4d2c-9f2b-6f4f2b8e9c11';

describe('mkfsCommand', () => {
  it.each<[string, Record<string, unknown>, string, string[]]>([
    ['ext4', { type: 'ext4', label: 'root', uuid: UUID }, 'mkfs', ['-t', 'ext4', '-L', 'root', '-U', UUID, '-q', '/dev/loop9']],
    ['ext4 with opts', { type: 'ext4', uuid: UUID, opts: '-i 4096  -m 0' }, 'mkfs', ['-t', 'ext4', '-i', '4096', '-m', '0', '-L', 'data', '-U', UUID, '-q', '/dev/loop9']],
    ['xfs', { type: 'xfs', uuid: UUID }, 'mkfs', ['-t', 'xfs', '-L', 'data', '-m', `uuid=${UUID}`, '-q', '/dev/loop9']],
    ['btrfs', { type: 'btrfs', uuid: UUID }, 'mkfs', ['-t', 'btrfs', '-L', 'data', '-U', UUID, '/dev/loop9']],
    ['vfat', { type: 'vfat', label: 'esp', uuid: 'abcd-1234' }, 'mkfs', ['-t', 'vfat', '-n', 'ESP', '-i', 'ABCD1234', '/dev/loop9']],
    ['swap', { type: 'swap', uuid: UUID }, 'mkswap', ['-L', 'data', '-U', UUID, '/dev/loop9']],
  ])('builds DIB\'s argv for %s', (_, config, cmd, args) => {
    expect(mkfsCommand(filesystemSpec(mkfs('data', config), PARAMS), '/dev/loop9')).toEqual({ cmd, args });
  });
});

describe('filesystemSpec', () => {
  it('fills mkfs_root from the params as DIB does (type, opts, label by type)', () => {
    expect(filesystemSpec(mkfs('mkfs_root', {}), PARAMS)).toMatchObject({ type: 'ext4', label: 'cloudimg-rootfs', opts: [] });
    expect(filesystemSpec(mkfs('mkfs_root', {}), { ...PARAMS, rootFsType: 'xfs', rootFsOpts: '-K' })).toMatchObject({ type: 'xfs', label: 'img-rootfs', opts: ['-K'] });
    expect(filesystemSpec(mkfs('mkfs_root', {}), { ...PARAMS, rootLabel: 'mine' })).toMatchObject({ label: 'mine' });
  });

  it('upper-cases vfat labels and makes an XXXX-XXXX volume id when none is given', () => {
    const spec = filesystemSpec(mkfs('mkfs_esp', { type: 'vfat' }), PARAMS);
    expect(spec.label).toBe('MKFS_ESP');
    expect(spec.uuid).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
  });

  it('rejects a label longer than the filesystem allows, naming the node', () => {
    expect(() => filesystemSpec(mkfs('data', { type: 'xfs', label: 'thirteen-char' }), PARAMS)).toThrow(/mkfs node "data": label "thirteen-char" has 13 chars; xfs allows 12/);
  });

  it('rejects a uuid that is not one', () => {
    expect(() => filesystemSpec(mkfs('data', { type: 'ext4', uuid: 'nope' }), PARAMS)).toThrow(/is not a UUID/);
  });
});
