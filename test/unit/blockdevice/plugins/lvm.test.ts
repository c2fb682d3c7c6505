import { describe, expect, it } from 'vitest';
import { lvcreateArgs, lvDevice } from '../../../../src/blockdevice/plugins/lvm/volumes.js';

describe('lvcreateArgs', () => {
  it('passes a size floored to whole 4 MiB extents in bytes, as DIB does', () => {
    expect(lvcreateArgs({ name: 'lv_var', base: 'vg', size: '1800M', options: [] })).toEqual(['--name', 'lv_var', '-L', '1799356416B', 'vg']);
  });

  it('passes extents through and puts options before the VG', () => {
    expect(lvcreateArgs({ name: 'lv_root', base: 'vg', extents: '28%VG', options: ['--zero', 'n'] })).toEqual(['--name', 'lv_root', '-l', '28%VG', '--zero', 'n', 'vg']);
  });

  it('gives thin volumes a virtual size and their pool', () => {
    expect(lvcreateArgs({ name: 'thin', base: 'vg', size: '8MiB', type: 'thin', 'thin-pool': 'pool', options: [] })).toEqual([
      '--name', 'thin', '--type', 'thin', '--thin-pool', 'pool', '-V', '8388608B', 'vg',
    ]);
  });

  it('needs a size or extents', () => {
    expect(() => lvcreateArgs({ name: 'lv', base: 'vg', options: [] })).toThrow(/missing 'size' or 'extents'/);
  });
});

describe('lvDevice', () => {
  it('doubles dashes inside names the way device-mapper does', () => {
    expect(lvDevice('vg', 'lv_root')).toBe('/dev/mapper/vg-lv_root');
    expect(lvDevice('my-vg', 'my-lv')).toBe('/dev/mapper/my--vg-my--lv');
  });
});
