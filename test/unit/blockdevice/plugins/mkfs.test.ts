import { describe, expect, it } from 'vitest';
import { mkfsCommand } from '../../../../src/blockdevice/filesystems.js';
import { filesystemSpec } from '../../../../src/blockdevice/plugins/mkfs.js';
import type { ConfigNode } from '../../../../src/blockdevice/types.js';

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
    expect(mkfsCommand(filesystemSpec(mkfs('data', config)), '/dev/loop9')).toEqual({ cmd, args });
  });
});

describe('filesystemSpec', () => {
  it('upper-cases vfat labels and makes an XXXX-XXXX volume id when none is given', () => {
    const spec = filesystemSpec(mkfs('mkfs_esp', { type: 'vfat' }));
    expect(spec.label).toBe('MKFS_ESP');
    expect(spec.uuid).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
  });

  it('rejects a uuid that is not one', () => {
    expect(() => filesystemSpec(mkfs('data', { type: 'ext4', uuid: 'nope' }))).toThrow(/is not a UUID/);
  });
});

describe('filesystemSpec with a seed', () => {
  it('derives the id and the ext4 hash seed from the seed and the node name, merged into one -E', () => {
    const a = filesystemSpec(mkfs('root', { type: 'ext4', opts: '-E lazy_itable_init=0 -i 4096' }), 'one');
    expect(filesystemSpec(mkfs('root', { type: 'ext4', opts: '-E lazy_itable_init=0 -i 4096' }), 'one')).toEqual(a);
    expect(a.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.opts).toEqual(['-i', '4096', '-E', expect.stringMatching(/^lazy_itable_init=0,hash_seed=[0-9a-f-]{36}$/)]);
    const b = filesystemSpec(mkfs('root', { type: 'ext4', opts: '-E lazy_itable_init=0 -i 4096' }), 'two');
    expect(b.uuid).not.toBe(a.uuid);
    expect(b.opts).not.toEqual(a.opts);
    expect(filesystemSpec(mkfs('boot', { type: 'ext4' }), 'one').uuid).not.toBe(a.uuid);
  });

  it('keeps a uuid and a hash_seed the config gives, and gives vfat a seeded volume id', () => {
    const given = filesystemSpec(mkfs('root', { type: 'ext4', uuid: UUID, opts: '-E hash_seed=' + UUID }), 'one');
    expect(given).toMatchObject({ uuid: UUID, opts: ['-E', `hash_seed=${UUID}`] });
    const esp = filesystemSpec(mkfs('esp', { type: 'vfat' }), 'one');
    expect(esp.uuid).toBe(filesystemSpec(mkfs('esp', { type: 'vfat' }), 'one').uuid);
    expect(esp.uuid).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}$/);
    expect(esp.opts).toEqual([]);
  });
});
