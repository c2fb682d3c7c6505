import { describe, expect, it } from 'vitest';
import { layerMediaType, typeOfFile, typeOfMediaType } from '../../../src/registry/media-types.js';

describe('artifact media types', () => {
  it('names disk outputs application/vnd.tsdib.disk.TYPE and tree outputs application/vnd.tsdib.tree.TYPE', () => {
    expect(['qcow2', 'raw', 'vhd', 'vdi', 'tar', 'tgz', 'squashfs'].map(layerMediaType)).toEqual([
      'application/vnd.tsdib.disk.qcow2', 'application/vnd.tsdib.disk.raw', 'application/vnd.tsdib.disk.vhd', 'application/vnd.tsdib.disk.vdi',
      'application/vnd.tsdib.tree.tar', 'application/vnd.tsdib.tree.tgz', 'application/vnd.tsdib.tree.squashfs',
    ]);
    expect(typeOfMediaType('application/vnd.tsdib.disk.vhd-fixed')).toBe('vhd-fixed');
    expect(typeOfMediaType('application/octet-stream')).toBeUndefined();
  });

  it('tells the output type from a file name (a .vhd is vhd, a .squash squashfs)', () => {
    expect(['a.qcow2', 'b.vhd', 'c.squash', 'd.hds', 'e.txt', 'noext'].map(typeOfFile)).toEqual(['qcow2', 'vhd', 'squashfs', 'parallels', undefined, undefined]);
  });
});
